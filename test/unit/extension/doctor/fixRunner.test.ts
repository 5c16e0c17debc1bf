import { strict as assert } from 'node:assert';
import type { DoctorFix } from '../../../../src/core/doctor';
import { applyFix } from '../../../../src/extension/doctor/fixRunner';
import type { Ui } from '../../../../src/extension/ui/ui';
import { agentDown, sshBlocked } from './doctorFixtures';

/** A Ui that answers from `answers` and records what it was asked; terminal and settings recorded too. */
function harness(answers: { confirm?: boolean; choice?: string; cliFound?: boolean } = {}) {
  const asked: string[] = [];
  const ran: string[] = [];
  const ui = {
    confirm: async (message: string, detail: string) => (asked.push(`confirm: ${message}\n${detail}`), answers.confirm ?? false),
    info: async (m: string) => (asked.push(`info: ${m}`), answers.choice),
    warn: async (m: string) => (asked.push(`warn: ${m}`), answers.choice),
    copy: async (t: string) => void asked.push(`copy: ${t}`),
  } as unknown as Ui;
  const deps = {
    ui: () => ui,
    log: { info: () => undefined, warn: () => undefined },
    runInTerminal: async (command: string) => (answers.cliFound === false ? false : (ran.push(command), true)),
    openSettings: async (q: string) => void ran.push(`settings ${q}`),
  };
  return { deps, asked, ran };
}

describe('applyFix: one press of a fix button', () => {
  const restart = agentDown().causes[0].fix;

  it('declined: nothing runs', async () => {
    const h = harness({ confirm: false });
    assert.equal(await applyFix(h.deps, 'gpu-7', restart), 'declined');
    assert.deepEqual(h.ran, []);
    assert.ok(h.asked[0].endsWith(restart.command), 'the modal showed the exact command');
  });

  it('confirmed: the exact command goes to the terminal', async () => {
    const h = harness({ confirm: true });
    assert.equal(await applyFix(h.deps, 'gpu-7', restart), 'ran');
    assert.deepEqual(h.ran, [restart.command]);
  });

  it('a command that only looks runs without a modal', async () => {
    const h = harness();
    const look: DoctorFix = { title: 'Look', command: 'ringrift-sync test gpu-7', changes: 'nothing', runOn: 'here' };
    assert.equal(await applyFix(h.deps, 'gpu-7', look), 'ran');
    assert.deepEqual(h.asked, []);
  });

  it('without a CLI to run it, says how to install it and offers to copy the command', async () => {
    const h = harness({ cliFound: false, choice: 'Copy Command' });
    const look: DoctorFix = { title: 'Look', command: 'ringrift-sync test gpu-7', changes: 'nothing', runOn: 'here' };
    assert.equal(await applyFix(h.deps, 'gpu-7', look), 'cli_missing');
    assert.match(h.asked[0], /^warn: .*not on PATH here: install it \(npm install -g ringrift-sync\)/);
    assert.equal(h.asked[1], 'copy: ringrift-sync test gpu-7');
  });

  it("a node-console fix is copied, never run here", async () => {
    const h = harness();
    assert.equal(await applyFix(h.deps, 'gpu-7', sshBlocked().causes[0].fix), 'copied');
    assert.deepEqual(h.ran, []);
    assert.equal(h.asked[0], 'copy: sudo ufw allow 22/tcp');
  });

  it('a settings fix opens the settings at that setting when asked to', async () => {
    const setting: DoctorFix = { title: 'Smaller chunks', command: '"ringriftSync.base64ChunkBytes": 8388608', changes: 'local', runOn: 'settings' };
    const h = harness({ choice: 'Open Settings' });
    assert.equal(await applyFix(h.deps, 'gpu-7', setting), 'settings_opened');
    assert.deepEqual(h.ran, ['settings ringriftSync.base64ChunkBytes']);
    assert.equal(await applyFix(harness().deps, 'gpu-7', setting), 'dismissed');
  });
});
