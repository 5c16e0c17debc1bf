import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { CLI_JS, startCluster, type TestCluster } from '../harness/cluster';

const run = promisify(execFile);

/**
 * The runbook end to end through the built CLI, on real nodes: one healthy on p2p, one whose agent
 * is down (rsync takes over), one where only base64 works (rsync refused by the node), one where
 * nothing answers (disabled); then recovery.
 */
describe('CLI router on a real loopback cluster', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let hostsFile: string;
  let stateDir: string;
  let payload: string;
  let payloadSha: string;

  // Only rsync is refused: what the node runs for base64 goes through untouched.
  const refuseRsync = (dir: string) => {
    const wrapper = path.join(dir, 'refuse-rsync.sh');
    fs.writeFileSync(wrapper, '#!/bin/sh\ncase "$SSH_ORIGINAL_COMMAND" in\n  rsync*) echo "sh: 1: rsync: not found" >&2; exit 127;;\nesac\nexec /bin/sh -c "$SSH_ORIGINAL_COMMAND"\n', { mode: 0o755 });
    return wrapper;
  };

  before(async () => {
    const tmp = fs.mkdtempSync('/tmp/ringrift-router-');
    cluster = await startCluster([
      { name: 'healthy' },
      { name: 'agentdown', agent: false },
      { name: 'b64only', agent: false, sshdConfig: [`ForceCommand ${refuseRsync(tmp)}`] },
      { name: 'dead', agent: false, sshd: false },
    ]);
    hostsFile = cluster.writeHostsFile();
    stateDir = path.join(cluster.dir, 'state');
    payload = path.join(cluster.dir, 'payload.bin');
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) & 0xff;
    fs.writeFileSync(payload, bytes);
    payloadSha = createHash('sha256').update(bytes).digest('hex');
  });
  after(async () => cluster?.stop());

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const probing = args[0] === 'sync' || args[0] === 'test';
    const all = [CLI_JS, ...args, '--hosts', hostsFile, '--state-dir', stateDir, '--known-hosts', cluster.knownHostsFile, ...(probing ? ['--timeout', '8'] : [])];
    try {
      const { stdout, stderr } = await run(process.execPath, all, { env: { ...process.env, HOME: cluster.dir } });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it('sync escalates per node as the runbook does and disables the dead node', async () => {
    const r = await cli('sync', 'healthy', 'agentdown', 'b64only', 'dead', '--path', payload, '--remote', 'data/payload.bin', '--json');
    assert.equal(r.code, 1, r.stderr);
    const results: Array<{ node: string; success: boolean; transportUsed: string; sha256: string; disabled: boolean; attempts: Array<{ transport: string; result: string }> }> =
      JSON.parse(r.stdout).results;
    const by = Object.fromEntries(results.map((x) => [x.node, x]));
    assert.equal(by.healthy.transportUsed, 'p2p');
    assert.equal(by.agentdown.transportUsed, 'rsync');
    assert.deepEqual(by.agentdown.attempts.map((a) => [a.transport, a.result]), [['p2p', 'failed'], ['rsync', 'ok']]);
    assert.equal(by.b64only.transportUsed, 'base64');
    assert.deepEqual(by.b64only.attempts.map((a) => a.result), ['failed', 'failed', 'ok']);
    assert.equal(by.dead.success, false);
    assert.equal(by.dead.disabled, true);
    for (const name of ['healthy', 'agentdown', 'b64only']) {
      assert.equal(by[name].sha256, payloadSha);
      const onNode = fs.readFileSync(cluster.node(name).file('data/payload.bin'));
      assert.equal(createHash('sha256').update(onNode).digest('hex'), payloadSha, `bytes on ${name}`);
    }
  });

  it('status --json lists the disabled node with every failed transport, and the stats', async () => {
    const r = await cli('status', '--json');
    assert.equal(r.code, 0, r.stderr);
    const status = JSON.parse(r.stdout);
    assert.equal(status.nodes.dead.enabled, false);
    assert.equal(status.nodes.dead.reason, 'all_transports_exhausted');
    assert.deepEqual(status.nodes.dead.failedTransports, ['p2p', 'rsync', 'base64']);
    assert.ok(status.nodes.dead.disabledAt);
    assert.equal(status.nodes.healthy.enabled, true);
    assert.equal(status.stats.nodeCount, 4);
    assert.equal(status.stats.disabledNodeCount, 1);
    assert.deepEqual(status.stats.activeTransports, { p2p: 1, rsync: 1, base64: 1 });
    assert.equal(status.stats.escalationsToday, 2);
    assert.deepEqual(status.alerts.map((a: { metric: string }) => a.metric), ['disabled_nodes']);
  });

  it('history shows the dead node\'s failed attempts with their errors', async () => {
    const r = await cli('history', 'dead', '--json');
    const h = JSON.parse(r.stdout);
    assert.equal(h.node, 'dead');
    assert.deepEqual(h.entries.map((e: { transport: string }) => e.transport).sort(), ['base64', 'p2p', 'rsync']);
    for (const e of h.entries) {
      assert.equal(e.result, 'failed');
      assert.ok(e.error && e.error.length > 5);
    }
  });

  it('a disabled node is skipped until re-enabled; after the agent is back, sync succeeds on p2p', async () => {
    const skipped = await cli('sync', 'dead', '--path', payload, '--json');
    assert.equal(skipped.code, 1);
    assert.match(JSON.parse(skipped.stdout).results[0].message, /disabled since/);

    const dead = cluster.node('dead');
    await dead.startSshd();
    await dead.startAgent();
    const re = await cli('reenable', 'dead');
    assert.equal(re.code, 0, re.stderr);
    assert.match(re.stdout, /re-enabled/);
    const again = await cli('sync', 'dead', '--path', payload, '--remote', 'data/payload.bin', '--json');
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.equal(JSON.parse(again.stdout).results[0].transportUsed, 'p2p');
    assert.equal(createHash('sha256').update(fs.readFileSync(dead.file('data/payload.bin'))).digest('hex'), payloadSha);
  });

  it('test --json probes every transport of every node', async () => {
    const r = await cli('test', '--all', '--json');
    const rows: Array<{ node: string; transport: string; success: boolean; message: string; latencyMs: number }> = JSON.parse(r.stdout).results;
    const ok = (node: string, t: string) => rows.find((x) => x.node === node && x.transport === t)?.success;
    assert.equal(ok('healthy', 'p2p'), true);
    assert.equal(ok('agentdown', 'p2p'), false);
    assert.equal(ok('agentdown', 'rsync'), true);
    assert.equal(ok('b64only', 'rsync'), false);
    assert.equal(ok('b64only', 'base64'), true);
    assert.equal(r.code, 1);
    for (const row of rows) assert.equal(typeof row.latencyMs, 'number');
  });

  it('prefer, reset and unknown names behave as documented', async () => {
    const bad = await cli('prefer', 'healthy', 'http');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /healthy has no http transport/);
    assert.equal((await cli('prefer', 'healthy', 'base64')).code, 0);
    const r = await cli('sync', 'healthy', '--path', payload, '--remote', 'data/pref.bin', '--json');
    assert.equal(JSON.parse(r.stdout).results[0].transportUsed, 'base64');
    assert.equal((await cli('reset', 'agentdown')).code, 0);
    const status = JSON.parse((await cli('status', '--json')).stdout);
    assert.deepEqual(status.nodes.agentdown.failures, {});
    assert.equal(status.nodes.healthy.preferredTransport, 'base64');
    const typo = await cli('sync', 'helthy', '--path', payload);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /did you mean 'healthy'/);
  });

  it('appends the runbook events to events.jsonl', () => {
    const types = fs.readFileSync(path.join(stateDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).type);
    for (const t of ['SYNC_COMPLETED', 'SYNC_STALLED', 'SYNC_RETRY_REQUESTED', 'NODE_DISABLED', 'NODE_REENABLED', 'PREFERRED_TRANSPORT_SET', 'TRANSPORT_FAILURES_RESET']) {
      assert.ok(types.includes(t), `${t} in events.jsonl`);
    }
  });
});

/** RingRift's own host fields through the built CLI: relay mode and skip_sync_receive (issue 13). */
describe('CLI router: relay mode and skip_sync_receive on a real loopback cluster', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let hostsFile: string;
  let payload: string;

  before(async () => {
    cluster = await startCluster([
      { name: 'relay', fields: { nat_blocked: true } },
      { name: 'coord', fields: { skip_sync_receive: true } },
    ]);
    hostsFile = cluster.writeHostsFile();
    payload = path.join(cluster.dir, 'payload.bin');
    fs.writeFileSync(payload, Buffer.alloc(70 * 1024, 7));
  });
  after(async () => cluster?.stop());

  async function cli(...args: string[]): Promise<{ code: number; stdout: string }> {
    const probing = args[0] === 'sync' || args[0] === 'test';
    const all = [CLI_JS, ...args, '--hosts', hostsFile, '--state-dir', path.join(cluster.dir, 'state'), '--known-hosts', cluster.knownHostsFile, ...(probing ? ['--timeout', '8'] : [])];
    try {
      return { code: 0, stdout: (await run(process.execPath, all, { env: { ...process.env, HOME: cluster.dir } })).stdout };
    } catch (err) {
      return err as { code: number; stdout: string };
    }
  }

  it('sync --all: the relay node skips p2p and rsync (its agent is up) and uses base64; the skip_sync_receive node is refused, not failed', async () => {
    const r = await cli('sync', '--all', '--path', payload, '--remote', 'data/p.bin', '--json');
    const by = Object.fromEntries(JSON.parse(r.stdout).results.map((x: { node: string }) => [x.node, x]));
    assert.deepEqual(by.relay.attempts.map((a: { transport: string; result: string }) => [a.transport, a.result]), [['p2p', 'skipped'], ['rsync', 'skipped'], ['base64', 'ok']]);
    assert.match(by.relay.attempts[0].error, /^nat_blocked: the node accepts no direct connection/);
    assert.ok(fs.existsSync(cluster.node('relay').file('data/p.bin')));
    assert.deepEqual([by.coord.success, by.coord.disabled, by.coord.attempts], [false, false, []]);
    assert.match(by.coord.message, /skip_sync_receive/);
    assert.equal(fs.existsSync(cluster.node('coord').file('data/p.bin')), false);
    const status = JSON.parse((await cli('status', '--json')).stdout);
    assert.notEqual(status.nodes.coord?.enabled, false, 'never disabled');
    assert.equal(status.stats.disabledNodeCount, 0);
  });

  it('test --all still probes the skip_sync_receive node', async () => {
    const rows: Array<{ node: string; transport: string; success: boolean }> = JSON.parse((await cli('test', '--all', '--json')).stdout).results;
    const coord = rows.filter((x) => x.node === 'coord');
    assert.deepEqual(coord.map((x) => x.transport).sort(), ['base64', 'p2p', 'rsync'], 'every transport of its chain probed');
    assert.equal(coord.find((x) => x.transport === 'p2p')?.success, true);
  });
});
