import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DoctorReport, NodeReport } from '../../../src/core/doctor';
import type { RingriftSyncApi } from '../../../src/extension/api';
import { activateExtension, clusterInfo, row, stubUi, waitForRows, workspaceFolder, workspaceSettings, type ClusterInfo } from './helpers';

/**
 * "Diagnose Node" / "Diagnose All Nodes" against the live cluster, faults made for real: gpu-dead has
 * nothing listening; gpu-beta, once its hosts entry enables p2p, is a node whose agent is not running
 * (sshd answers, nothing listens on its p2p_port). The report comes back from the command and sits in
 * the report view (api.doctor), whose fix buttons are pressed through api.doctor.applyFix.
 */
describe('the doctor: Diagnose Node / Diagnose All Nodes on the live cluster', function () {
  this.timeout(60_000);
  let api: RingriftSyncApi;
  let cluster: ClusterInfo;
  let hostsFile: string;
  let original: string;
  let ui: ReturnType<typeof stubUi> | undefined;

  const ids = (r: NodeReport) => r.causes.map((c) => `${c.transport}:${c.cause}`);

  before(async () => {
    api = await activateExtension();
    cluster = clusterInfo();
    hostsFile = path.join(workspaceFolder(), 'distributed_hosts.yaml');
    original = fs.readFileSync(hostsFile, 'utf8');
  });
  afterEach(async () => {
    ui?.restore();
    ui = undefined;
    if (fs.readFileSync(hostsFile, 'utf8') !== original) {
      fs.writeFileSync(hostsFile, original);
      await waitForRows(api, 'gpu-beta back to rsync → base64', (r) => r.find((x) => x.label === 'gpu-beta')?.children[0]?.label === 'rsync');
    }
  });

  it('the dead node: node_offline on every transport, its fix names its address, port and key; the tree shows the cause', async () => {
    ui = stubUi(api);
    const t0 = Date.now();
    const report = await vscode.commands.executeCommand<NodeReport>('ringriftSync.diagnoseNode', 'gpu-dead');
    console.log(`    gpu-dead diagnosed in ${Date.now() - t0} ms: ${ids(report).join(', ')}`);
    assert.deepEqual(ids(report), ['p2p:node_offline', 'rsync:node_offline', 'base64:node_offline']);
    const dead = cluster.nodes['gpu-dead'];
    const fix = report.causes[0].fix.command;
    for (const part of [`-p ${dead.sshPort}`, `-i ${cluster.clientKey}`, `@${dead.address} true`, `ringrift-sync reenable gpu-dead --hosts ${hostsFile}`]) {
      assert.ok(fix.includes(part), `fix '${fix}' lacks '${part}'`);
    }
    assert.equal(api.doctor.isOpen, true, 'the report view opened');
    assert.deepEqual(api.doctor.report?.nodes.map((n) => n.node), ['gpu-dead']);
    const p2p = row(api, 'gpu-dead').children.find((c) => c.label === 'p2p')!;
    assert.match(p2p.description, /^failed: /);
    assert.match(p2p.tooltip, /\*\*Cause:\*\* node offline: no port of the node answers `node_offline`/);
    assert.match(row(api, 'gpu-dead').tooltip, /\| diagnosis \| node_offline \(p2p, rsync, base64\) · /);
  });

  it('a node whose agent is down: agent_not_running; its fix runs in a terminal only after the modal, exactly as shown', async () => {
    fs.writeFileSync(hostsFile, original.replace(/^(  gpu-beta:\n(?:    .*\n)*?)    p2p_enabled: false\n/m, '$1'));
    await waitForRows(api, 'gpu-beta with p2p', (r) => r.find((x) => x.label === 'gpu-beta')?.children[0]?.label === 'p2p');
    ui = stubUi(api, { confirm: false });
    const t0 = Date.now();
    const report = await vscode.commands.executeCommand<NodeReport>('ringriftSync.diagnoseNode', 'gpu-beta');
    console.log(`    gpu-beta diagnosed in ${Date.now() - t0} ms: ${ids(report).join(', ')}`);
    assert.deepEqual(ids(report), ['p2p:agent_not_running'], JSON.stringify(report.causes.map((c) => c.evidence.summary)));
    const beta = cluster.nodes['gpu-beta'];
    const fix = report.causes[0].fix;
    assert.deepEqual([fix.runOn, fix.changes], ['here', 'node']);
    const knownHosts = workspaceSettings()['ringriftSync.knownHostsFile'];
    for (const part of [`-o UserKnownHostsFile=${knownHosts}`, `-p ${beta.sshPort}`, `-i ${cluster.clientKey}`, `@${beta.address} `, 'restart-marker.txt']) {
      assert.ok(fix.command.includes(part), `fix '${fix.command}' lacks '${part}'`);
    }
    assert.match(row(api, 'gpu-beta').children[0].tooltip, /`agent_not_running`/);

    // The configured restart command (e2e settings) writes a marker: proof of what ran, and when.
    const marker = path.join(cluster.nodes['gpu-alpha'].root, 'restart-marker.txt');
    fs.rmSync(marker, { force: true });
    assert.equal(await api.doctor.applyFix('gpu-beta', 0), 'declined');
    assert.ok(ui.record.confirms[0].detail.endsWith(`\n\n${fix.command}`), 'the modal shows the exact command');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(fs.existsSync(marker), false, 'declined: nothing ran');
    ui.restore();
    ui = stubUi(api, { confirm: true });
    const t1 = Date.now();
    assert.equal(await api.doctor.applyFix('gpu-beta', 0), 'ran');
    const deadline = Date.now() + 15_000;
    while (!fs.existsSync(marker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    console.log(`    the fix ran in the terminal ${Date.now() - t1} ms after the button`);
    assert.equal(fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').trim(), 'restarted', 'the terminal ran the fix over SSH');
  });

  it('Diagnose All Nodes: each ready node diagnosed, the maintenance node skipped; Cancel stops it at once', async () => {
    ui = stubUi(api);
    const report = await vscode.commands.executeCommand<DoctorReport>('ringriftSync.diagnoseAll');
    const byNode = Object.fromEntries(report.nodes.map((n) => [n.node, n.skipped ? 'skipped' : ids(n).join(',') || 'ok']));
    assert.deepEqual(byNode, {
      'gpu-alpha': 'ok',
      'gpu-beta': 'ok',
      'gpu-dead': 'p2p:node_offline,rsync:node_offline,base64:node_offline',
      'gpu-gamma': 'skipped',
    });
    assert.deepEqual(api.doctor.report?.nodes.map((n) => n.node), ['gpu-alpha', 'gpu-beta', 'gpu-dead', 'gpu-gamma'], 'the report view shows them');

    const saved = api.ui.withProgress;
    api.ui.withProgress = (_title, task) => {
      const controller = new AbortController();
      controller.abort();
      return task(() => undefined, controller.signal);
    };
    try {
      const cancelled = await vscode.commands.executeCommand<DoctorReport>('ringriftSync.diagnoseAll');
      assert.deepEqual(cancelled.nodes, [], 'no half-diagnosed node is reported');
      assert.match(ui.record.messages.at(-1)!.text, /^Diagnosis cancelled: 0 of 4 node\(s\) diagnosed/);
    } finally {
      api.ui.withProgress = saved;
    }
  });
});
