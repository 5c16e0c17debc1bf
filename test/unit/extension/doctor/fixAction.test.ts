import { strict as assert } from 'node:assert';
import type { DoctorFix } from '../../../../src/core/doctor';
import { fixAction, usesCli } from '../../../../src/extension/doctor/fixAction';
import { agentDown, offline, sshBlocked } from './doctorFixtures';

const fix = (over: Partial<DoctorFix>): DoctorFix => ({ title: 'Do it', command: 'true', changes: 'nothing', runOn: 'here', ...over });

describe('fixAction: what a fix button does', () => {
  it('runs a command that changes the node in a terminal only after a modal showing the exact command', () => {
    const f = agentDown().causes[0].fix;
    const a = fixAction('gpu-7', f);
    assert.equal(a.kind, 'terminal');
    if (a.kind !== 'terminal') return;
    assert.equal(a.label, 'Run in Terminal…');
    assert.equal(a.command, f.command);
    assert.ok(a.confirm, 'asks first');
    assert.match(a.confirm.message, /gpu-7.*changes the node/);
    assert.ok(a.confirm.detail.endsWith(`\n\n${f.command}`), a.confirm.detail);
    assert.equal(a.usesCli, false, 'ringrift-sync inside the ssh script runs on the node, not here');
  });

  it('asks too for a command that changes this machine (known_hosts, router state)', () => {
    const a = fixAction('gpu-7', offline().causes[0].fix);
    assert.equal(a.kind === 'terminal' && a.confirm?.button, 'Run in Terminal');
    assert.equal(a.kind === 'terminal' && a.usesCli, true, '`... && ringrift-sync reenable` needs the CLI here');
  });

  it('runs a command that only looks without asking', () => {
    const a = fixAction('gpu-7', fix({ command: 'ringrift-sync test gpu-7 --hosts /h.yaml' }));
    assert.deepEqual(a, { kind: 'terminal', label: 'Run in Terminal', command: 'ringrift-sync test gpu-7 --hosts /h.yaml', usesCli: true });
  });

  it("copies a command for the node's console instead of running it here", () => {
    const f = sshBlocked().causes[0].fix;
    assert.equal(f.runOn, 'node');
    const a = fixAction('gpu-7', f);
    assert.equal(a.kind, 'copy');
    assert.equal(a.command, 'sudo ufw allow 22/tcp');
    assert.match(a.kind === 'copy' ? a.message : '', /gpu-7's own shell/);
  });

  it('offers the settings for a settings line, naming the setting', () => {
    const a = fixAction('gpu-7', fix({ runOn: 'settings', changes: 'local', command: '"ringriftSync.base64ChunkBytes": 8388608' }));
    assert.equal(a.kind, 'settings');
    assert.equal(a.kind === 'settings' && a.setting, 'ringriftSync.base64ChunkBytes');
    assert.equal(a.label, 'Open Settings…');
  });

  it('tells a CLI call on this machine from one inside a remote script', () => {
    assert.ok(usesCli('RINGRIFT_SYNC_BASE64_CHUNK_BYTES=8388608 ringrift-sync sync gpu-7 --path f'));
    assert.ok(usesCli("ssh -p 22 u@h true && ringrift-sync reenable gpu-7"));
    assert.ok(!usesCli("ssh -p 22 u@h 'cd /srv || exit 1; nohup ringrift-sync agent --port 8770'"));
    assert.ok(!usesCli('ssh-keygen -R [h]:22 -f /kh'));
  });
});
