import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { emptyState } from '../../../../src/core/router';
import { nodeView } from '../../../../src/extension/cluster/nodeView';
import { COMMANDS, commandsFor, itemWhen } from '../../../../src/extension/commands/commandTable';
import { commandContributions, menuContributions } from '../../../../src/extension/commands/contributions';
import { nodeEntry } from '../../../../src/extension/tree/nodeEntry';
import { makeNode } from '../tree/nodeFixture';
import { NOW, StateBuilder } from '../tree/stateFixture';

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../package.json'), 'utf8'));
const REGENERATE = 'regenerate: flock /tmp/ringrift-pkg.lock npx tsx scripts/extension-contributions.ts';

const menuOf = (contextValue: string) => commandsFor(contextValue).map((id) => id.replace('ringriftSync.', ''));
const nodeContext = (state = emptyState(), over = {}) => {
  const node = makeNode(over);
  return nodeEntry(node, nodeView(node, state, NOW), '/f').contextValue;
};

describe('command table: availability and package.json', () => {
  it('package.json contributes exactly the table\'s commands and menus', () => {
    const ours = new Set<string>(COMMANDS.map((c) => c.id));
    assert.deepEqual(pkg.contributes.commands.filter((c: { command: string }) => ours.has(c.command)), commandContributions(), REGENERATE);
    for (const [menu, items] of Object.entries(menuContributions())) {
      assert.deepEqual(pkg.contributes.menus[menu].filter((m: { command: string }) => ours.has(m.command)), items, `${menu}: ${REGENERATE}`);
    }
  });

  it('uses only ringriftSync.<verb> ids, each once', () => {
    const ids = COMMANDS.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^ringriftSync\.[a-z][A-Za-z0-9]+$/);
  });

  it('offers re-enable only on a disabled node, and reset only where something failed', () => {
    const healthy = menuOf(nodeContext(new StateBuilder().probe('gpu-1', 'p2p', true).state));
    assert.ok(healthy.includes('testNode') && healthy.includes('syncFile'));
    assert.ok(!healthy.includes('reenableNode') && !healthy.includes('resetNode'));
    const disabled = menuOf(nodeContext(new StateBuilder().probe('gpu-1', 'p2p', false).disable('gpu-1').state));
    assert.ok(disabled.includes('reenableNode') && disabled.includes('resetNode'));
    assert.ok(!disabled.includes('syncFile'), 'a disabled node is not a sync target until re-enabled');
  });

  it('offers SSH actions only on nodes with ssh_host, the agent restart only with p2p, key removal only after a changed key', () => {
    assert.ok(!menuOf(nodeContext(emptyState(), { sshHost: undefined })).includes('checkDiskSpace'));
    assert.ok(!menuOf(nodeContext(emptyState(), { transports: ['rsync', 'base64'] })).includes('restartAgent'));
    assert.ok(!menuOf(nodeContext()).includes('removeHostKey'));
    assert.ok(menuOf(nodeContext(new StateBuilder().probe('gpu-1', 'base64', false, { code: 'host_key_changed' }).state)).includes('removeHostKey'));
  });

  it('offers Diagnose Node on every node row, and Diagnose All Nodes in the view title', () => {
    assert.ok(menuOf(nodeContext()).includes('diagnoseNode'));
    assert.ok(menuOf(nodeContext(new StateBuilder().probe('gpu-1', 'p2p', false).disable('gpu-1').state)).includes('diagnoseNode'));
    assert.ok(COMMANDS.find((c) => c.id === 'ringriftSync.diagnoseAll')?.viewTitle);
  });

  it('on transports: test, force, prefer (or clear when preferred), history', () => {
    assert.deepEqual(menuOf('transport rsync'), ['testTransport', 'forceTransport', 'preferTransport', 'showHistory']);
    assert.deepEqual(menuOf('transport rsync preferred'), ['testTransport', 'forceTransport', 'clearPreferredTransport', 'showHistory']);
  });

  it('offers nothing node-specific on summary, problem, details, field and group rows', () => {
    assert.deepEqual(menuOf('summary'), ['openDashboard', 'showStats']);
    assert.deepEqual(menuOf('problem'), ['openHostsFile']);
    assert.deepEqual(menuOf('details'), []);
    assert.deepEqual(menuOf('field'), []);
    assert.deepEqual(menuOf('group'), []);
  });

  it('writes when clauses VS Code can read: viewItem matched by a regex with lookaheads', () => {
    assert.equal(
      itemWhen({ kind: 'node', all: ['ssh', 'p2p'], none: ['disabled'], group: 'x' }),
      'view == ringriftSync.nodes && viewItem =~ /^node\\b(?=.*\\bssh\\b)(?=.*\\bp2p\\b)(?!.*\\bdisabled\\b)/',
    );
  });

  it('marks every command that may connect or change shared state as needing a trusted workspace', () => {
    const needsTrust = COMMANDS.filter((c) => c.needsTrust).map((c) => c.id.replace('ringriftSync.', ''));
    assert.deepEqual(needsTrust.sort(), [
      'checkDiskSpace', 'clearPreferredTransport', 'diagnoseAll', 'diagnoseNode', 'forceTransport', 'preferTransport', 'pushBase64', 'pushRsync', 'reenableNode',
      'removeHostKey', 'resetNode', 'restartAgent', 'syncFile', 'syncFolderRemovingExtras', 'syncToNodes', 'testAll', 'testNode', 'testTransport',
    ]);
  });
});
