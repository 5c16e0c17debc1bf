import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadHostsFile } from '../../../../src/core/hosts';
import type { NodeSpec } from '../../../../src/core/hosts/nodeSpec';
import { agentEndpoint } from '../../../../src/core/transports/http/agentClient';
import { pullFromNode } from '../../../../src/core/transports/http/orchestrator/pull';
import { P2PTransport } from '../../../../src/core/transports/http/p2p';
import { DEFAULT_TRANSPORT_OPTIONS, type PushResult } from '../../../../src/core/transports/transport';
import { linkOrchestrators, logTail, orchestratorDown, orchestratorUp, type Orchestrator } from '../../harness/orchestrator';

/**
 * The p2p transport against the REAL RingRift P2P orchestrator (pinned commit 2aa9f89), each
 * instance in a network namespace of its own: push, verify, limits, tokens, cancel, a kill in the
 * middle of an upload, and a pull from one orchestrator node to another.
 */
const never = () => new AbortController().signal;
const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function writeRandom(file: string, bytes: number): string {
  const fd = fs.openSync(file, 'w');
  for (let left = bytes; left > 0; left -= 1 << 24) fs.writeSync(fd, randomBytes(Math.min(left, 1 << 24)));
  fs.closeSync(fd);
  return file;
}

async function nodeOf(o: Orchestrator): Promise<NodeSpec> {
  const hosts = await loadHostsFile(o.hostsFile);
  if (!hosts.ok) throw new Error(hosts.message);
  const node = hosts.value.nodes.find((n) => n.name === o.nodeId);
  if (!node) throw new Error(`no ${o.nodeId} in ${o.hostsFile}`);
  return node;
}

const p2p = (token?: string) => new P2PTransport({ ...DEFAULT_TRANSPORT_OPTIONS, knownHostsFile: '/dev/null', env: process.env, agentToken: token });

describe('p2p to the real RingRift orchestrator', function () {
  this.timeout(300_000);
  let work: string;
  let o1: Orchestrator;
  let o2: Orchestrator;
  let node: NodeSpec;
  let small: string;
  let big: string;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-orch-it-'));
    const token = randomBytes(16).toString('hex');
    // One token for both: the pulling node authenticates to the source with its own.
    [o1, o2] = await Promise.all([orchestratorUp(path.join(work, 'o11'), 11, { token }), orchestratorUp(path.join(work, 'o12'), 12, { token })]);
    node = await nodeOf(o1);
    small = writeRandom(path.join(work, 'small.npz'), (1 << 20) + 17);
    big = writeRandom(path.join(work, 'big.npy'), 150 * 1000 * 1000);
  });

  after(async () => {
    for (const o of [o1, o2]) if (o) await orchestratorDown(o.dir);
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('probes as the RingRift orchestrator with the token accepted', async () => {
    const r = await p2p(o1.token).probe(node, never());
    assert.equal(r.success, true, r.message);
    assert.equal(r.service, 'ringrift_orchestrator');
    assert.match(r.message, /RingRift orchestrator orch11 .*healthy, token accepted/);
  });

  it('pushes a small file over p2p, lands it in the data dir, verified by sha256', async () => {
    const seen: number[] = [];
    const r = await p2p(o1.token).push(node, { localPath: small, remotePath: 'data/it/small.npz' }, (done) => seen.push(done), never());
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.equal(r.transport, 'p2p');
    assert.equal(r.remotePath, 'data/it/small.npz');
    assert.equal(r.sha256, sha256(small));
    assert.equal(sha256(path.join(o1.dataDir, 'it/small.npz')), sha256(small));
    assert.equal(seen.at(-1), fs.statSync(small).size);
  });

  it('maps an absolute path under ringrift_path/data/ to the upload', async () => {
    const remote = path.join(node.remoteBase!, 'data', 'abs', 'a.npz');
    const r = await p2p(o1.token).push(node, { localPath: small, remotePath: remote }, () => undefined, never());
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.equal(sha256(path.join(o1.dataDir, 'abs/a.npz')), sha256(small));
  });

  it('pushes 150 MB streamed, progress at least once a second, verified on disk', async () => {
    const ticks: number[] = [];
    const r = await p2p(o1.token).push(node, { localPath: big, remotePath: 'data/it/big.npy' }, () => ticks.push(Date.now()), never());
    assert.ok(r.ok, r.ok ? '' : `${r.message}\n${logTail(o1)}`);
    assert.equal(sha256(path.join(o1.dataDir, 'it/big.npy')), r.sha256);
    assert.equal(r.sha256, sha256(big));
    const gaps = ticks.slice(1).map((t, i) => t - ticks[i]);
    assert.ok(Math.max(...gaps) < 1100, `progress gaps ${Math.max(...gaps)} ms`);
  });

  for (const [name, remotePath, limit] of [
    ['a path outside data/ and models/', 'other/x.npz', 'outside_prefixes'],
    ['an extension off the allowlist', 'data/it/tool.exe', 'extension_not_allowed'],
    ["'..' in the path", 'data/a/../../x.npz', 'path_traversal'],
  ] as const) {
    it(`refuses ${name} before any byte, as a limit the walk escalates past`, async () => {
      let sent = 0;
      const r = await p2p(o1.token).push(node, { localPath: small, remotePath }, (done) => (sent = Math.max(sent, done)), never());
      assert.equal(r.ok, false);
      const f = r as Extract<PushResult, { ok: false }>;
      assert.equal(f.limit, limit);
      assert.equal(f.code, limit);
      assert.equal(sent, 0);
      assert.match(f.message, /^p2p: orch11 \(10\.202\.11\.2:8770\): .*nothing was sent; the next transport of the chain takes over$/);
    });
  }

  it('no token and a wrong token: auth_failed, from the probe and from the push', async () => {
    for (const token of [undefined, 'wrong-token']) {
      const probe = await p2p(token).probe(node, never());
      assert.equal(probe.code, 'auth_failed', probe.message);
      assert.match(probe.message, /RINGRIFT_CLUSTER_AUTH_TOKEN.*--token-file/);
      const r = await p2p(token).push(node, { localPath: small, remotePath: `data/auth/${token ?? 'none'}.npz` }, () => undefined, never());
      assert.equal(r.ok, false);
      assert.equal((r as { code: string }).code, 'auth_failed');
      assert.ok(!fs.existsSync(path.join(o1.dataDir, 'auth')));
    }
  });

  it('a cancel stops a 150 MB upload in under a second', async () => {
    const ac = new AbortController();
    let abortedAt = 0;
    const r = await p2p(o1.token).push(node, { localPath: big, remotePath: 'data/it/cancel.npy' }, (done) => {
      if (!abortedAt && done > 20e6) {
        abortedAt = Date.now();
        ac.abort();
      }
    }, ac.signal);
    assert.equal(r.ok, false);
    assert.equal((r as { code: string }).code, 'cancelled');
    assert.ok(Date.now() - abortedAt < 1000, `${Date.now() - abortedAt} ms`);
  });

  it('the orchestrator killed mid-upload: the push fails, the next one after a restart completes verified', async () => {
    const target = path.join(o1.dataDir, 'it/killed.npy');
    let killed = false;
    const r = await p2p(o1.token).push(node, { localPath: big, remotePath: 'data/it/killed.npy' }, (done) => {
      if (!killed && done > 50e6) {
        killed = true;
        process.kill(o1.pid, 'SIGKILL');
      }
    }, never());
    assert.ok(killed, 'the upload finished before it could be killed');
    assert.equal(r.ok, false, 'a push to a killed orchestrator must not be reported synced');
    assert.match((r as { message: string }).message, /p2p: .*orch11|p2p: 10\.202\.11\.2/);
    o1 = await orchestratorUp(o1.dir, 11, { token: o1.token });
    const again = await p2p(o1.token).push(node, { localPath: big, remotePath: 'data/it/killed.npy' }, () => undefined, never());
    assert.ok(again.ok, again.ok ? '' : again.message);
    assert.equal(sha256(target), sha256(big));
  });

  it('pulls a file from one orchestrator node to another (POST /sync/pull)', async () => {
    const pushed = await p2p(o1.token).push(node, { localPath: small, remotePath: 'data/pulled/p.npz' }, () => undefined, never());
    assert.ok(pushed.ok, pushed.ok ? '' : pushed.message);
    const sourceHost = await linkOrchestrators(o1, o2);
    const target = agentEndpoint('p2p', await nodeOf(o2), o2.token);
    assert.ok(target.ok);
    const plan = { target: target.value, source: { nodeId: o1.nodeId, host: sourceHost, port: o1.port }, connectTimeoutMs: 5000, timeoutMs: 130_000 };
    const r = await pullFromNode({ ...plan, remotePaths: ['data/pulled/p.npz'] }, never());
    assert.ok(r.ok, r.ok ? '' : `${r.message}\n${logTail(o2)}`);
    assert.deepEqual([r.value.filesCompleted, r.value.bytesTransferred, r.value.entries], [1, fs.statSync(small).size, ['pulled/p.npz']]);
    assert.equal(sha256(path.join(o2.dataDir, 'pulled/p.npz')), sha256(small));

    const missing = await pullFromNode({ ...plan, remotePaths: ['data/pulled/missing.npz'] }, never());
    assert.equal(missing.ok, false);
    assert.equal((missing as { code: string }).code, 'pull_failed');
    const noToken = await pullFromNode({ ...plan, target: { ...plan.target, token: undefined }, remotePaths: ['data/pulled/p.npz'] }, never());
    assert.equal((noToken as { code: string }).code, 'auth_failed');
  });
});
