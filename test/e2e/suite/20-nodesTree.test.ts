import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RingriftSyncApi } from '../../../src/extension/api';
import { activateExtension, rows, waitForRows, workspaceFolder } from './helpers';

// test/e2e/workspace/distributed_hosts.yaml: one node per way a chain is resolved.
const FIXTURE = [
  { label: 'gpu-alpha', description: 'p2p → http → rsync → base64 · ready', children: ['p2p', 'http', 'rsync', 'base64'] },
  { label: 'gpu-beta', description: 'rsync → base64 · ready', children: ['rsync', 'base64'] },
  { label: 'gpu-gamma', description: 'p2p → rsync → base64 · maintenance', children: ['p2p', 'rsync', 'base64'] },
];

describe('the Nodes tree (ringriftSync.nodes) on the workspace fixture', () => {
  let api: RingriftSyncApi;
  let hostsFile: string;
  let original: string;

  before(async () => {
    api = await activateExtension();
    hostsFile = path.join(workspaceFolder(), 'distributed_hosts.yaml');
    original = fs.readFileSync(hostsFile, 'utf8');
  });

  afterEach(async () => {
    // Each test starts from the fixture as shipped.
    if (!fs.existsSync(hostsFile) || fs.readFileSync(hostsFile, 'utf8') !== original) {
      fs.writeFileSync(hostsFile, original);
      await waitForRows(api, 'the fixture restored', (r) => r.map((x) => x.label).join() === 'gpu-alpha,gpu-beta,gpu-gamma');
    }
  });

  it('shows one row per node with its chain and status, children the chain', () => {
    const shown = rows(api).map((r) => ({ label: r.label, description: r.description, children: r.children.map((c) => c.label) }));
    assert.deepEqual(shown, FIXTURE);
  });

  it("gives each node a tooltip with address, user and port, and each transport its target", () => {
    const [alpha, beta] = rows(api);
    assert.match(alpha.tooltip, /`127\.0\.0\.12` \(tailscale_ip\)/);
    assert.match(alpha.tooltip, /`ubuntu@127\.0\.0\.2:2202`/);
    assert.match(beta.tooltip, /`root@127\.0\.0\.3:22`/);
    assert.deepEqual(
      alpha.children.map((c) => c.description),
      ['127.0.0.12:8770', '127.0.0.2:8771', 'ubuntu@127.0.0.2:2202', 'ubuntu@127.0.0.2:2202'],
    );
  });

  it('shows a host written into the file after the debounce', async () => {
    const t0 = Date.now();
    fs.writeFileSync(hostsFile, original.replace('hosts:\n', 'hosts:\n  gpu-delta:\n    ssh_host: 127.0.0.5\n    p2p_enabled: false\n    status: offline\n'));
    const after = await waitForRows(api, 'gpu-delta in the tree', (r) => r.some((x) => x.label === 'gpu-delta'));
    console.log(`    new host shown ${Date.now() - t0} ms after the write`);
    assert.deepEqual(after.map((r) => r.label), ['gpu-delta', 'gpu-alpha', 'gpu-beta', 'gpu-gamma']);
    assert.equal(after[0].description, 'rsync → base64 · offline');
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

  it('ringriftSync.refresh reloads, and ringriftSync.openHostsFile opens the file at a node', async () => {
    await vscode.commands.executeCommand('ringriftSync.refresh');
    assert.deepEqual(rows(api).map((r) => r.label), ['gpu-alpha', 'gpu-beta', 'gpu-gamma']);
    const beta = api.tree.getChildren()[1];
    const opened = await vscode.commands.executeCommand<string>('ringriftSync.openHostsFile', beta);
    assert.equal(opened, hostsFile);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.fsPath, hostsFile);
    assert.match(editor?.document.lineAt(editor.selection.active.line).text ?? '', /^  gpu-beta:/);
  });
});
