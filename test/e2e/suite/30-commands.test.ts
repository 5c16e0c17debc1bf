import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RingriftSyncApi } from '../../../src/extension/api';
import type { ProbeRow, RecoveryOutcome, SyncResult } from '../../../src/core/router';
import type { DashboardModel } from '../../../src/extension/dashboard/dashboardModel';
import { activateExtension, clusterInfo, row, rows, stubUi, waitForRows, workspaceFolder, workspaceSettings, type ClusterInfo } from './helpers';

/**
 * The runbook's actions through `vscode.commands.executeCommand` against the live loopback cluster
 * (gpu-alpha: agent + sshd; gpu-beta: sshd only; gpu-dead: nothing; gpu-gamma: maintenance),
 * each checked by what the tree shows afterwards. Tests run in order and build on each other.
 */
describe('commands against the live cluster change what the tree shows', function () {
  this.timeout(60_000);
  let api: RingriftSyncApi;
  let cluster: ClusterInfo;
  let ui: ReturnType<typeof stubUi>;
  let payload: string;

  before(async () => {
    api = await activateExtension();
    cluster = clusterInfo();
    payload = path.join(workspaceFolder(), 'payload.bin');
  });
  beforeEach(() => (ui = stubUi(api)));
  afterEach(() => ui.restore());

  it('Test All probes every transport; each node shows its working transport and latency, or why not', async () => {
    const t0 = Date.now();
    const results = await vscode.commands.executeCommand<ProbeRow[]>('ringriftSync.testAll');
    console.log(`    tested ${results.length} transports in ${Date.now() - t0} ms`);
    const ok = results.filter((r) => r.success).map((r) => `${r.node}/${r.transport}`);
    assert.deepEqual(ok.sort(), ['gpu-alpha/base64', 'gpu-alpha/http', 'gpu-alpha/p2p', 'gpu-alpha/rsync', 'gpu-beta/base64', 'gpu-beta/rsync']);
    const r = rows(api);
    assert.match(row(api, 'gpu-alpha').description, /^p2p · \d+ ms$/);
    assert.match(row(api, 'gpu-beta').description, /^rsync · \d+ ms$/);
    assert.match(row(api, 'gpu-dead').description, /^unreachable: /);
    assert.equal(row(api, 'gpu-gamma').description, 'maintenance · not synced');
    assert.match(row(api, 'gpu-alpha').children[0].description, /^ok · \d+ ms · /);
    assert.match(row(api, 'gpu-dead').children[0].description, /^failed: /);
    assert.match(row(api, 'gpu-dead').tooltip, /\| last error \| /);
    assert.ok(r[0].label.startsWith('4 nodes, 0 disabled'), r[0].label);
    assert.deepEqual(ui.record.messages.map((m) => m.level), ['warn'], 'one summary message: some failed');
  });

  it('Sync File escalates per node; the dead node is disabled and shows it', async () => {
    const results = await vscode.commands.executeCommand<SyncResult[]>('ringriftSync.syncFile', { file: payload, nodes: ['gpu-alpha', 'gpu-beta', 'gpu-dead'] });
    const byNode = Object.fromEntries(results.map((r) => [r.node, r]));
    assert.equal(byNode['gpu-alpha'].transportUsed, 'p2p');
    assert.equal(byNode['gpu-beta'].transportUsed, 'rsync');
    assert.equal(byNode['gpu-dead'].success, false);
    assert.equal(byNode['gpu-dead'].disabled, true);
    for (const n of ['gpu-alpha', 'gpu-beta']) {
      assert.ok(fs.readFileSync(path.join(cluster.nodes[n].root, 'payload.bin')).equals(fs.readFileSync(payload)), `${n} has the file`);
    }
    const dead = row(api, 'gpu-dead');
    assert.equal(dead.description, 'disabled: all transports exhausted');
    assert.match(dead.contextValue, /\bdisabled\b/);
    assert.match(dead.tooltip, /\| disabled_at \| \d{4}-/);
    // 1 of 4 disabled is 25 %: over the 20 % threshold.
    assert.equal(rows(api)[0].label, '4 nodes, 1 disabled, 1 alert');
  });

  it('Re-enable Node clears the disable', async () => {
    const outcome = await vscode.commands.executeCommand<RecoveryOutcome>('ringriftSync.reenableNode', 'gpu-dead');
    assert.equal(outcome.changed, true);
    const dead = row(api, 'gpu-dead');
    assert.doesNotMatch(dead.contextValue, /\bdisabled\b/);
    assert.doesNotMatch(dead.description, /disabled/);
    assert.equal(rows(api)[0].label, '4 nodes, 0 disabled, no alerts');
  });

  it('Test Connectivity of one node, then Reset Transport Failures clears what it found', async () => {
    const entry = api.tree.getChildren().find((e) => e.label === 'gpu-dead')!;
    await vscode.commands.executeCommand('ringriftSync.testNode', entry);
    assert.match(row(api, 'gpu-dead').description, /^unreachable: /);
    assert.match(row(api, 'gpu-dead').contextValue, /\bfailures\b/);
    await vscode.commands.executeCommand('ringriftSync.resetNode', entry);
    assert.equal(row(api, 'gpu-dead').description, 'untested · p2p → rsync → base64');
    assert.doesNotMatch(row(api, 'gpu-dead').contextValue, /\bfailures\b/);
  });

  it('Set Preferred Transport marks it; the next sync goes over it first; Clear removes the mark', async () => {
    const rsyncRow = api.tree.getChildren().find((e) => e.label === 'gpu-alpha')!.children.find((c) => c.label === 'rsync')!;
    await vscode.commands.executeCommand('ringriftSync.preferTransport', rsyncRow);
    const alpha = row(api, 'gpu-alpha');
    assert.match(alpha.children.find((c) => c.label === 'rsync')!.description, /^★ preferred · /);
    assert.match(alpha.contextValue, /\bpreferred\b/);
    const [result] = await vscode.commands.executeCommand<SyncResult[]>('ringriftSync.syncFile', { file: payload, nodes: ['gpu-alpha'], remotePath: 'sub/again.bin' });
    assert.equal(result.transportUsed, 'rsync');
    assert.ok(fs.existsSync(path.join(cluster.nodes['gpu-alpha'].root, 'sub/again.bin')));
    await vscode.commands.executeCommand('ringriftSync.clearPreferredTransport', 'gpu-alpha');
    assert.doesNotMatch(row(api, 'gpu-alpha').children.find((c) => c.label === 'rsync')!.description, /preferred/);
  });

  it('Push via base64 and Test This Transport use only that transport', async () => {
    const [pushed] = await vscode.commands.executeCommand<SyncResult[]>('ringriftSync.pushBase64', { file: payload, nodes: ['gpu-beta'], remotePath: 'b64.bin' });
    assert.equal(pushed.transportUsed, 'base64');
    assert.deepEqual(pushed.attempts.map((a) => a.transport), ['base64']);
    assert.ok(fs.readFileSync(path.join(cluster.nodes['gpu-beta'].root, 'b64.bin')).equals(fs.readFileSync(payload)));
    const rowsOut = await vscode.commands.executeCommand<ProbeRow[]>('ringriftSync.testTransport', { node: 'gpu-alpha', transport: 'http' });
    assert.deepEqual(rowsOut.map((r) => `${r.transport}:${r.success}`), ['http:true']);
  });

  it('a CLI run on the same state dir shows in the tree without any command (shared state)', async () => {
    const settings = workspaceSettings();
    const cli = path.join(vscode.extensions.getExtension('ringrift.ringrift-sync')!.extensionPath, 'dist/cli.js');
    const hosts = path.join(workspaceFolder(), 'distributed_hosts.yaml');
    execFileSync(process.execPath, [cli, 'prefer', 'gpu-beta', 'base64', '--hosts', hosts, '--state-dir', settings['ringriftSync.stateDir']]);
    const t0 = Date.now();
    await waitForRows(api, 'gpu-beta base64 preferred', (r) => /preferred/.test(r.find((x) => x.label === 'gpu-beta')?.children.find((c) => c.label === 'base64')?.description ?? ''), 15_000);
    console.log(`    the CLI's change showed after ${Date.now() - t0} ms (state dir watcher)`);
    execFileSync(process.execPath, [cli, 'prefer', 'gpu-beta', 'none', '--hosts', hosts, '--state-dir', settings['ringriftSync.stateDir']]);
  });

  it('Show Transport History, Show Cluster Stats and Copy Manual Commands give what the runbook needs', async () => {
    const history = await vscode.commands.executeCommand<string>('ringriftSync.showHistory', 'gpu-alpha');
    assert.match(history, /^# gpu-alpha: transport history/);
    assert.match(history, /\| sync \| rsync \| ok \|/);
    assert.match(history, /\| probe \| p2p \| ok \|/);
    const stats = await vscode.commands.executeCommand<string>('ringriftSync.showStats');
    assert.match(stats, /- nodes: 4\n- disabled: 0/);
    assert.deepEqual(ui.record.markdown.map((m) => m.title), ['gpu-alpha history', 'cluster stats']);
    const text = await vscode.commands.executeCommand<string>('ringriftSync.copyManualCommands', 'gpu-alpha');
    const a = cluster.nodes['gpu-alpha'];
    assert.ok(text.includes(`curl -sS --max-time 5 http://${a.address}:${a.agentPort}/health`), text);
    assert.ok(text.includes(`-i ${cluster.clientKey} -p ${a.sshPort} -o ConnectTimeout=5`), text);
    assert.match(text, /^rsync -av --partial --progress -e /m);
    assert.match(text, /^base64 < FILE \| ssh /m);
    assert.deepEqual(ui.record.copied, [text]);
  });

  it('Open Dashboard renders the matrix, the 24 h timeline and the alert metrics', async () => {
    const model = await vscode.commands.executeCommand<DashboardModel>('ringriftSync.openDashboard');
    assert.equal(api.dashboard.isOpen, true);
    assert.deepEqual(model.rows.map((r) => r.node), ['gpu-alpha', 'gpu-beta', 'gpu-dead', 'gpu-gamma']);
    assert.deepEqual(model.rows[0].cells.map((c) => c.state), ['ok', 'ok', 'ok', 'ok']);
    assert.equal(model.rows[1].cells[0].state, 'absent');
    assert.equal(model.timeline.length, 24);
    const sum = (k: 'failures' | 'syncs' | 'disables') => model.timeline.reduce((n, b) => n + b[k], 0);
    assert.ok(sum('failures') > 0 && sum('syncs') >= 4 && sum('disables') === 1, JSON.stringify(model.timeline.filter((b) => b.failures + b.syncs)));
    assert.deepEqual(model.metrics.map((m) => m.metric), ['transport_failures', 'disabled_nodes', 'escalation_count']);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Set Cluster Token keeps the token in secret storage, not in settings; the next session sends it; Clear removes it', async () => {
    ui.restore();
    ui = stubUi(api, { secret: '  tok-e2e-secret  ' });
    assert.equal(await vscode.commands.executeCommand('ringriftSync.setClusterToken'), true);
    const s = api.store.session();
    assert.ok(s.ok, s.ok ? '' : s.message);
    assert.equal(s.value.transportOptions.agentToken, 'tok-e2e-secret', 'trimmed, and used by the next session');
    const settingsFile = path.join(workspaceFolder(), '.vscode', 'settings.json');
    assert.ok(!fs.existsSync(settingsFile) || !fs.readFileSync(settingsFile, 'utf8').includes('tok-e2e-secret'), 'never in settings.json');
    assert.ok(ui.record.messages.every((m) => !m.text.includes('tok-e2e-secret')), 'never shown');
    assert.equal(await vscode.commands.executeCommand('ringriftSync.clearClusterToken'), true);
    const after = api.store.session();
    assert.ok(after.ok && after.value.transportOptions.agentToken !== 'tok-e2e-secret');
  });
});
