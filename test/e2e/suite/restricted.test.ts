import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../src/extension/commands/commandTable';
import type { RingriftSyncApi } from '../../../src/extension/api';
import { activateExtension, clusterInfo, rows, stubUi, workspaceFolder, workspaceSettings, type ClusterInfo } from './helpers';

/**
 * Runs in a second window whose folder is not trusted (Restricted Mode). The tree works from the
 * hosts file; every command that could connect or change shared state explains itself instead.
 * Proof that nothing connected: the nodes' sshd (LogLevel VERBOSE: a line per connection) and agent
 * (a line per request) logs do not grow, and no state or event is written.
 */
describe('Restricted Mode (untrusted workspace)', function () {
  this.timeout(30_000);
  let api: RingriftSyncApi;
  let cluster: ClusterInfo;

  const logSizes = () =>
    Object.entries(cluster.nodes).flatMap(([name, n]) =>
      [n.sshdLog, n.agentLog].filter((f): f is string => !!f).map((f) => `${name}:${path.basename(f)}:${fs.statSync(f).size}`),
    );

  before(async () => {
    api = await activateExtension();
    cluster = clusterInfo();
  });

  it('opens this workspace untrusted, and the tree still shows every node from the hosts file', () => {
    assert.equal(vscode.workspace.isTrusted, false);
    assert.deepEqual(rows(api).slice(1).map((r) => `${r.label}: ${r.description}`), [
      'gpu-alpha: untested · p2p → http → rsync → base64',
      'gpu-beta: untested · rsync → base64',
      'gpu-dead: untested · p2p → rsync → base64',
      'gpu-gamma: maintenance · not synced',
    ]);
  });

  it('refuses every command that could connect or change state, saying why, and nothing connects', async () => {
    const before = logSizes();
    const ui = stubUi(api);
    const payload = path.join(workspaceFolder(), 'payload.bin');
    const guarded = COMMANDS.filter((c) => c.needsTrust);
    try {
      for (const c of guarded) {
        const outcome = await vscode.commands.executeCommand<{ restricted?: boolean; message?: string }>(c.id, { node: 'gpu-alpha', transport: 'p2p', file: payload, nodes: ['gpu-alpha'] });
        assert.equal(outcome?.restricted, true, `${c.id} ran in Restricted Mode`);
        assert.match(outcome.message ?? '', /Restricted Mode.*connects to no node/);
      }
    } finally {
      ui.restore();
    }
    assert.equal(ui.record.messages.filter((m) => m.level === 'warn').length, guarded.length, 'each refusal told the user');
    // Give anything that might have been started in the background time to show up in the logs.
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(logSizes(), before, 'no sshd connection and no agent request');
    const stateDir = workspaceSettings()['ringriftSync.stateDir'];
    const written = fs.existsSync(stateDir) ? fs.readdirSync(stateDir) : [];
    assert.deepEqual(written, [], 'no router state and no events written');
    console.log(`    ${guarded.length} commands refused; logs unchanged: ${before.join(', ')}`);
  });

  it('still offers what needs no connection: stats, manual commands, the dashboard', async () => {
    const ui = stubUi(api);
    try {
      assert.match(await vscode.commands.executeCommand<string>('ringriftSync.showStats'), /- nodes: 4/);
      assert.match(await vscode.commands.executeCommand<string>('ringriftSync.copyManualCommands', 'gpu-alpha'), /curl -sS/);
    } finally {
      ui.restore();
    }
  });
});
