import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SyncResult } from '../../../src/core/router';
import type { RingriftSyncApi } from '../../../src/extension/api';
import { activateExtension, clusterInfo, stubUi, workspaceFolder, type ClusterInfo } from './helpers';

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/**
 * "Sync to Nodes…" as the Explorer calls it (the clicked resource and the selection), against the
 * live loopback cluster: a folder lands as a tree on an agent node and an SSH-only node, the remote
 * path is offered from the folder's place in the workspace, and the nodes picked are ticked next time.
 */
describe('Sync to Nodes… from the Explorer', function () {
  this.timeout(120_000);
  let api: RingriftSyncApi;
  let cluster: ClusterInfo;
  let dir: string;
  const names = ['a.txt', 'sub dir/b $(x) `y`.bin', 'big.bin'];

  before(async () => {
    api = await activateExtension();
    cluster = clusterInfo();
    dir = path.join(workspaceFolder(), 'data', 'tree');
    fs.mkdirSync(path.join(dir, 'sub dir'), { recursive: true });
    fs.writeFileSync(path.join(dir, names[0]), 'alpha\n');
    fs.writeFileSync(path.join(dir, names[1]), 'hostile name\n');
    fs.writeFileSync(path.join(dir, names[2]), Buffer.alloc(3 << 20, 7));
  });

  it('offers the Explorer entry for files and folders', () => {
    const pkg = vscode.extensions.all.find((e) => e.packageJSON?.name === 'ringrift-sync')?.packageJSON as { contributes: { menus: Record<string, Array<{ command: string; when?: string }>> } };
    const entry = pkg.contributes.menus['explorer/context'].find((m) => m.command === 'ringriftSync.syncToNodes');
    assert.ok(entry, 'an explorer/context entry');
    assert.equal(entry.when, undefined, 'shown on folders too');
  });

  it('syncs a folder to the picked nodes under its workspace path, each over its own rung', async () => {
    const ui = stubUi(api, { pickMany: ['gpu-alpha', 'gpu-beta'] });
    let results: SyncResult[];
    try {
      const folder = vscode.Uri.file(dir);
      results = await vscode.commands.executeCommand<SyncResult[]>('ringriftSync.syncToNodes', folder, [folder]);
    } finally {
      ui.restore();
    }
    assert.deepEqual(ui.record.asked.map((a) => a.value), ['data/tree'], 'the remote path prefilled from the workspace');
    const offered = ui.record.picks[0];
    assert.ok(offered.some((i) => i.id === 'gpu-gamma' && !i.picked), 'a node in maintenance is not ticked');
    assert.ok(offered.every((i) => typeof i.description === 'string'), 'each node with its state');
    const byNode = Object.fromEntries(results.map((r) => [r.node, r]));
    assert.equal(byNode['gpu-alpha'].success, true, byNode['gpu-alpha'].message);
    assert.equal(byNode['gpu-beta'].success, true, byNode['gpu-beta'].message);
    assert.equal(byNode['gpu-beta'].transportUsed, 'rsync', JSON.stringify(byNode['gpu-beta'].attempts));
    for (const node of ['gpu-alpha', 'gpu-beta']) {
      for (const name of names) {
        const landed = path.join(cluster.nodes[node].root, 'data', 'tree', name);
        assert.equal(sha(landed), sha(path.join(dir, name)), `${node}: ${name}`);
      }
    }
    assert.ok(ui.record.progress.some((m) => /gpu-alpha .* · gpu-beta /.test(m)), `per-node progress rows: ${ui.record.progress.slice(-3).join(' | ')}`);
  });

  it('ticks the last choice next time; a multi-selection goes to each item\'s workspace path without asking', async () => {
    const file = path.join(workspaceFolder(), 'payload.bin');
    const ui = stubUi(api, { pickMany: ['gpu-beta'] });
    try {
      await vscode.commands.executeCommand('ringriftSync.syncToNodes', vscode.Uri.file(file), [vscode.Uri.file(file), vscode.Uri.file(dir)]);
    } finally {
      ui.restore();
    }
    const ticked = ui.record.picks[0].filter((i) => i.picked).map((i) => i.id);
    assert.deepEqual(ticked.sort(), ['gpu-alpha', 'gpu-beta']);
    assert.deepEqual(ui.record.asked, []);
    assert.equal(sha(path.join(cluster.nodes['gpu-beta'].root, 'payload.bin')), sha(file));
  });

  it('"Sync Folder to Nodes, Removing Extras…": a dry run lists each node\'s extras in the modal; No keeps them, Yes removes them', async () => {
    const pkg = vscode.extensions.all.find((e) => e.packageJSON?.name === 'ringrift-sync')?.packageJSON as { contributes: { menus: Record<string, Array<{ command: string; when?: string }>> } };
    assert.equal(pkg.contributes.menus['explorer/context'].find((m) => m.command === 'ringriftSync.syncFolderRemovingExtras')?.when, 'explorerResourceIsFolder');
    const stale = (node: string) => path.join(cluster.nodes[node].root, 'data', 'tree', 'stale "old".bin');
    for (const node of ['gpu-alpha', 'gpu-beta']) fs.writeFileSync(stale(node), 'left from an older run');
    const folder = vscode.Uri.file(dir);
    const run = async (confirm: boolean) => {
      const ui = stubUi(api, { pickMany: ['gpu-alpha', 'gpu-beta'], confirm, text: 'data/tree' });
      try {
        return { ui, results: await vscode.commands.executeCommand<SyncResult[] | undefined>('ringriftSync.syncFolderRemovingExtras', folder, [folder]) };
      } finally {
        ui.restore();
      }
    };
    const declined = await run(false);
    assert.equal(declined.results, undefined, 'declined: nothing synced');
    assert.equal(declined.ui.record.confirms.length, 1);
    const { message, detail } = declined.ui.record.confirms[0];
    assert.match(message, /remove 2 file\(s\) on the nodes that are not in it/);
    for (const node of ['gpu-alpha', 'gpu-beta']) {
      assert.match(detail, new RegExp(`${node} \\(.*data/tree\\): 1 file\\(s\\): "stale \\\\"old\\\\".bin"`), detail);
      assert.ok(fs.existsSync(stale(node)), `${node}: declined, so kept`);
    }
    const agreed = await run(true);
    const byNode = Object.fromEntries((agreed.results ?? []).map((r) => [r.node, r]));
    for (const node of ['gpu-alpha', 'gpu-beta']) {
      assert.equal(byNode[node]?.success, true, byNode[node]?.message);
      assert.ok(!fs.existsSync(stale(node)), `${node}: removed after Yes`);
      assert.equal(sha(path.join(cluster.nodes[node].root, 'data', 'tree', names[0])), sha(path.join(dir, names[0])), `${node}: the tree still there`);
    }
  });
});
