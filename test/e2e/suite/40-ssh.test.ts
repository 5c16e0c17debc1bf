import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProbeRow, SyncResult } from '../../../src/core/router';
import type { RingriftSyncApi } from '../../../src/extension/api';
import { activateExtension, clusterInfo, row, stubUi, workspaceFolder, workspaceSettings, type ClusterInfo } from './helpers';

/** Host-key prompts, SSH actions on a node, and Cancel, against the live cluster. */
describe('prompts, SSH actions and cancel against the live cluster', function () {
  this.timeout(60_000);
  let api: RingriftSyncApi;
  let cluster: ClusterInfo;
  let knownHosts: string;
  let original: string;
  let ui: ReturnType<typeof stubUi> | undefined;

  const hostKeyFingerprint = (node: string) => {
    const line = fs.readFileSync(cluster.knownHostsFile, 'utf8').split('\n').find((l) => l.startsWith(`[${cluster.nodes[node].address}]:`))!;
    return 'SHA256:' + crypto.createHash('sha256').update(Buffer.from(line.split(' ')[2], 'base64')).digest('base64').replace(/=+$/, '');
  };
  const withoutNode = (node: string) => original.split('\n').filter((l) => !l.startsWith(`[${cluster.nodes[node].address}]:`)).join('\n');

  before(async () => {
    api = await activateExtension();
    cluster = clusterInfo();
    knownHosts = workspaceSettings()['ringriftSync.knownHostsFile'];
    original = fs.readFileSync(knownHosts, 'utf8');
  });
  afterEach(() => {
    ui?.restore();
    ui = undefined;
    fs.writeFileSync(knownHosts, original);
  });

  it('asks about an unknown host key with its fingerprint; "once" connects without saving it', async () => {
    fs.writeFileSync(knownHosts, withoutNode('gpu-beta'));
    ui = stubUi(api, { hostKey: 'once' });
    const results = await vscode.commands.executeCommand<ProbeRow[]>('ringriftSync.testNode', 'gpu-beta');
    assert.deepEqual(results.map((r) => `${r.transport}:${r.success}`), ['rsync:true', 'base64:true'], JSON.stringify(results));
    // Asked once for the node, not once per transport, with the key's real fingerprint.
    assert.deepEqual(ui.record.hostKeys, [{ node: 'gpu-beta', fingerprint: hostKeyFingerprint('gpu-beta') }]);
    assert.doesNotMatch(fs.readFileSync(knownHosts, 'utf8'), new RegExp(cluster.nodes['gpu-beta'].address.replace(/\./g, '\\.')));
  });

  it('"Cancel" refuses the unknown key: nothing connects, the tree says why', async () => {
    fs.writeFileSync(knownHosts, withoutNode('gpu-beta'));
    ui = stubUi(api, { hostKey: 'reject' });
    const results = await vscode.commands.executeCommand<ProbeRow[]>('ringriftSync.testNode', 'gpu-beta');
    assert.ok(results.every((r) => !r.success), JSON.stringify(results));
    const beta = row(api, 'gpu-beta');
    assert.match(beta.description, /^unreachable: node gpu-beta: host key of /);
    assert.match(beta.tooltip, /\| last error \| node gpu-beta: host key of .* is not in /);
  });

  it('Remove Changed Host Key shows the old and new fingerprints, asks, and removes the line', async () => {
    // known_hosts says gpu-beta has gpu-alpha's key: a changed host key.
    const alphaKey = original.split('\n').find((l) => l.startsWith(`[${cluster.nodes['gpu-alpha'].address}]:`))!.split(' ').slice(1).join(' ');
    const betaLine = `[${cluster.nodes['gpu-beta'].address}]:${cluster.nodes['gpu-beta'].sshPort} ${alphaKey}`;
    fs.writeFileSync(knownHosts, withoutNode('gpu-beta') + '\n' + betaLine + '\n');
    ui = stubUi(api, { confirm: true });
    await vscode.commands.executeCommand('ringriftSync.testNode', 'gpu-beta');
    assert.match(row(api, 'gpu-beta').contextValue, /\bhostKeyChanged\b/, 'the context menu offers the removal');
    await vscode.commands.executeCommand('ringriftSync.removeHostKey', 'gpu-beta');
    const [confirm] = ui.record.confirms;
    assert.match(confirm.message, /host key of gpu-beta .* changed/);
    assert.ok(confirm.detail.includes(hostKeyFingerprint('gpu-alpha')) && confirm.detail.includes(hostKeyFingerprint('gpu-beta')), confirm.detail);
    assert.ok(!fs.readFileSync(knownHosts, 'utf8').includes(betaLine), 'the old line is gone');
  });

  it('Check Disk Space reports the free space where files land', async () => {
    ui = stubUi(api);
    const r = await vscode.commands.executeCommand<{ ok: boolean; value: { path: string; freeBytes: number; totalBytes: number } }>('ringriftSync.checkDiskSpace', 'gpu-beta');
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.value.path, cluster.nodes['gpu-beta'].root);
    assert.ok(r.value.freeBytes > 0 && r.value.totalBytes >= r.value.freeBytes);
    assert.match(ui.record.messages[0].text, /^gpu-beta: [\d.]+ GB free of [\d.]+ GB/);
  });

  it('Restart P2P Agent runs the configured command over SSH only after confirmation', async () => {
    const marker = path.join(cluster.nodes['gpu-alpha'].root, 'restart-marker.txt');
    ui = stubUi(api, { confirm: false });
    assert.equal(await vscode.commands.executeCommand('ringriftSync.restartAgent', 'gpu-alpha'), undefined);
    assert.equal(fs.existsSync(marker), false, 'declined: nothing ran');
    assert.match(ui.record.confirms[0].detail, /restart-marker\.txt/);
    ui.restore();
    ui = stubUi(api, { confirm: true });
    await vscode.commands.executeCommand('ringriftSync.restartAgent', 'gpu-alpha');
    assert.equal(fs.readFileSync(marker, 'utf8').trim(), 'restarted');
  });

  it('Cancel stops a transfer; the partial stays and the next sync resumes it', async () => {
    // gpu-beta's rsync is limited to 40 Mbit/s (liveCluster.ts): 16 MB take about 3 s.
    const big = path.join(workspaceFolder(), '..', 'big.bin');
    fs.writeFileSync(big, crypto.randomBytes(16 * 1024 * 1024));
    const root = cluster.nodes['gpu-beta'].root;
    ui = stubUi(api, { cancelAtPercent: 20 });
    const t0 = Date.now();
    const request = { file: big, nodes: ['gpu-beta'], forceTransport: 'rsync' };
    const [cancelled] = await vscode.commands.executeCommand<SyncResult[]>('ringriftSync.syncFile', request);
    console.log(`    cancelled after ${Date.now() - t0} ms: ${cancelled.message}`);
    assert.equal(cancelled.success, false);
    assert.match(cancelled.message, /^cancelled: partial files stay/);
    assert.equal(fs.existsSync(path.join(root, 'big.bin')), false, 'no half file under the real name');
    const partial = path.join(root, '.ringrift-partial', 'big.bin');
    assert.ok(fs.existsSync(partial) && fs.statSync(partial).size > 0, 'a partial waits for the next push');
    assert.doesNotMatch(row(api, 'gpu-beta').description, /disabled/, 'a cancel never disables');
    ui.restore();
    ui = stubUi(api);
    const [resumed] = await vscode.commands.executeCommand<SyncResult[]>('ringriftSync.syncFile', request);
    assert.equal(resumed.success, true, resumed.message);
    assert.ok(resumed.bytesSent! < resumed.bytes, `resumed: sent ${resumed.bytesSent} of ${resumed.bytes}`);
    assert.ok(fs.readFileSync(path.join(root, 'big.bin')).equals(fs.readFileSync(big)));
    fs.rmSync(big);
  });
});
