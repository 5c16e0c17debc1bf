import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RingriftSyncApi } from '../../../src/extension/api';
import { activateExtension, clusterInfo, rows, waitForRows, workspaceFolder, type ClusterInfo } from './helpers';

// The live cluster's hosts file (test/e2e/harness/liveCluster.ts), before anything connected.
const FIXTURE = [
  { label: '4 nodes, 0 disabled, no alerts', description: '', children: [] },
  { label: 'gpu-alpha', description: 'untested · p2p → http → rsync → base64', children: ['p2p', 'http', 'rsync', 'base64', 'details'] },
  { label: 'gpu-beta', description: 'untested · rsync → base64', children: ['rsync', 'base64', 'details'] },
  { label: 'gpu-dead', description: 'untested · p2p → rsync → base64', children: ['p2p', 'rsync', 'base64', 'details'] },
  { label: 'gpu-gamma', description: 'maintenance · not synced', children: ['p2p', 'rsync', 'base64', 'details'] },
];
const NODE_LABELS = 'gpu-alpha,gpu-beta,gpu-dead,gpu-gamma';

describe('the Nodes tree (ringriftSync.nodes) on the live cluster fixture', () => {
  let api: RingriftSyncApi;
  let hostsFile: string;
  let original: string;
  let cluster: ClusterInfo;

  before(async () => {
    api = await activateExtension();
    cluster = clusterInfo();
    hostsFile = path.join(workspaceFolder(), 'distributed_hosts.yaml');
    original = fs.readFileSync(hostsFile, 'utf8');
  });

  afterEach(async () => {
    // Each test starts from the fixture as written, in the default arrangement.
    api.store.setView({ groupBy: 'none', filter: '', onlyProblems: false });
    if (!fs.existsSync(hostsFile) || fs.readFileSync(hostsFile, 'utf8') !== original) {
      fs.writeFileSync(hostsFile, original);
      await waitForRows(api, 'the fixture restored', (r) => r.slice(1).map((x) => x.label).join() === NODE_LABELS);
    }
  });

  it('shows a summary row, then one row per node with its state, children its chain and details', () => {
    const shown = rows(api).map((r) => ({ label: r.label, description: r.description, children: r.children.map((c) => c.label) }));
    assert.deepEqual(shown, FIXTURE);
  });

  it("gives each node a tooltip with address, user, port, status and role, and each transport its target", () => {
    const [, alpha, beta, , gamma] = rows(api);
    const a = cluster.nodes['gpu-alpha'];
    assert.match(alpha.tooltip, new RegExp(`\\| address \\| \`${a.address.replace(/\./g, '\\.')}\``));
    assert.match(alpha.tooltip, new RegExp(`@${a.address.replace(/\./g, '\\.')}:${a.sshPort}\``));
    assert.match(alpha.tooltip, /\| role \| gpu_training \|/);
    assert.match(alpha.tooltip, /\| status \| ready \(synced\) \|/);
    assert.match(beta.tooltip, /\| p2p port \| p2p disabled \|/);
    assert.match(gamma.tooltip, /\| status \| maintenance \(shown, not synced\) \|/);
    assert.deepEqual(
      alpha.children.slice(0, 4).map((c) => c.description),
      [`untested · ${a.address}:${a.agentPort}`, `untested · ${a.address}:${a.agentPort}`, ...['rsync', 'base64'].map(() => `untested · ${alpha.tooltip.match(/\| ssh \| `([^`]+)`/)![1]}`)],
    );
  });

  it('lists the fields syncing does not use under a collapsed "details" child', () => {
    const alpha = rows(api)[1];
    const details = alpha.children.at(-1)!;
    assert.equal(details.description, '4 fields not used for syncing');
    assert.deepEqual(details.children.map((c) => `${c.label}=${c.description}`), ['role=gpu_training', 'gpu=H100', 'gpu_vram_gb=80', 'vast_instance_id=1234567']);
    const beta = rows(api)[2];
    assert.match(beta.children.at(-1)!.children.find((c) => c.label === 'provider_note')!.tooltip, /Not a field ringrift-sync knows/);
  });

  it('groups by state and by role, filters by name, and shows only problems', async () => {
    await vscode.commands.executeCommand('ringriftSync.groupBy', 'role');
    assert.deepEqual(rows(api).slice(1).map((r) => `${r.label}:${r.children.map((c) => c.label)}`), ['backbone:gpu-gamma', 'gpu_selfplay:gpu-beta,gpu-dead', 'gpu_training:gpu-alpha']);
    await vscode.commands.executeCommand('ringriftSync.groupBy', 'state');
    assert.deepEqual(rows(api).slice(1).map((r) => `${r.label}:${r.description}`), ['Untested:3', 'Not synced (status):1']);
    await vscode.commands.executeCommand('ringriftSync.groupBy', 'none');
    await vscode.commands.executeCommand('ringriftSync.filter', 'BETA');
    assert.deepEqual(rows(api).slice(1).map((r) => r.label), ['gpu-beta']);
    assert.equal(api.store.message(), "Showing 1 of 4 nodes: name contains 'BETA'");
    await vscode.commands.executeCommand('ringriftSync.clearFilter');
    await vscode.commands.executeCommand('ringriftSync.showOnlyProblems');
    assert.deepEqual(rows(api).slice(1).map((r) => r.label), [], 'nothing was tested yet: no problems');
    await vscode.commands.executeCommand('ringriftSync.showAllNodes');
    assert.equal(rows(api).slice(1).map((r) => r.label).join(), NODE_LABELS);
  });

  it('shows a host written into the file after the debounce', async () => {
    const t0 = Date.now();
    fs.writeFileSync(hostsFile, original.replace('hosts:\n', 'hosts:\n  gpu-delta:\n    ssh_host: 127.0.231.99\n    p2p_enabled: false\n    status: offline\n'));
    const after = await waitForRows(api, 'gpu-delta in the tree', (r) => r.some((x) => x.label === 'gpu-delta'));
    console.log(`    new host shown ${Date.now() - t0} ms after the write`);
    assert.deepEqual(after.slice(1).map((r) => r.label), ['gpu-delta', ...NODE_LABELS.split(',')]);
    assert.equal(after[1].description, 'offline · not synced');
  });

  it('shows a broken file as an error row whose tooltip says where', async () => {
    fs.writeFileSync(hostsFile, 'hosts:\n  gpu-alpha: [unclosed\n');
    const after = await waitForRows(api, 'an error row', (r) => r.length > 0 && !r.some((x) => x.label.startsWith('gpu-')));
    assert.equal(after[0].description, 'distributed_hosts.yaml:2:14');
    assert.ok(after[0].tooltip.startsWith(`${hostsFile}:2:14: host 'gpu-alpha' must be a map of fields`), after[0].tooltip);
  });

  it('shows a missing file as an error row that says what to set', async () => {
    fs.rmSync(hostsFile);
    const after = await waitForRows(api, 'the "No hosts file found" row', (r) => r[0]?.label === 'No hosts file found');
    assert.equal(after.length, 1);
    assert.match(after[0].tooltip, /No distributed_hosts\.yaml in .*ws-tests.*set ringriftSync\.hostsFile/);
  });

  it('ringriftSync.refresh reloads; openHostsFile and revealInHostsFile open the file at a node', async () => {
    await vscode.commands.executeCommand('ringriftSync.refresh');
    assert.equal(rows(api).slice(1).map((r) => r.label).join(), NODE_LABELS);
    const beta = api.tree.getChildren()[2];
    assert.equal(await vscode.commands.executeCommand<string>('ringriftSync.openHostsFile', beta), hostsFile);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.fsPath, hostsFile);
    assert.match(editor?.document.lineAt(editor.selection.active.line).text ?? '', /^  gpu-beta:/);
    assert.equal(await vscode.commands.executeCommand<string>('ringriftSync.revealInHostsFile', 'gpu-gamma'), hostsFile);
    assert.match(vscode.window.activeTextEditor!.document.lineAt(vscode.window.activeTextEditor!.selection.active.line).text, /^  gpu-gamma:/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
