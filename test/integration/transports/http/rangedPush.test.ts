import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { missingRanges, parseRanges } from '../../../../src/core/byteRanges';
import { P2PTransport } from '../../../../src/core/transports/http/p2p';
import type { PushResult, TransportOptions } from '../../../../src/core/transports/transport';
import { nodeFor } from '../../../unit/core/transports/http/agentFixtures';
import { runCli, spawnAgent, waitForOutput, type AgentProcess } from '../../agent/agentProcess';

const MiB = 1 << 20;
const SIZE = 40 * MiB;
/** rangeBytesFor(40 MiB): twenty ranges. */
const RANGE = 2 * MiB;
const ADDR = '127.0.53.10';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface ProxyFaults {
  /** Each connection forwards at most this many bytes a second (so a test can act mid-push). */
  bytesPerSecond?: number;
  /** Resets the nth connection that carries a range (1-based) once it forwarded this many bytes. */
  cutRange?: { nth: number; afterBytes: number };
}

/** A TCP pass-through in front of the agent that can slow every connection and cut one range's. */
async function faultyProxy(agent: AgentProcess, faults: ProxyFaults): Promise<{ port: number; close(): Promise<void> }> {
  let ranges = 0;
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((client) => {
    const upstream = net.connect(agent.port, agent.address);
    sockets.add(client).add(upstream);
    let seen = 0;
    let cutAt: number | undefined;
    client.on('data', (d: Buffer) => {
      // A range's head may come on a fresh connection or on its stream's kept one: cut N bytes after it.
      if (cutAt === undefined && /\r\nx-range-start:/i.test(d.toString('latin1')) && ++ranges === faults.cutRange?.nth) cutAt = seen + faults.cutRange.afterBytes;
      seen += d.length;
      if (cutAt !== undefined && seen >= cutAt) return void (client.resetAndDestroy(), upstream.resetAndDestroy());
      upstream.write(d);
      if (faults.bytesPerSecond) {
        client.pause();
        setTimeout(() => client.resume(), (d.length / faults.bytesPerSecond) * 1000);
      }
    });
    client.on('end', () => upstream.end());
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => srv.listen(0, ADDR, r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      srv.close(() => r());
    }),
  };
}

/** One raw request to the agent process (no client logic of ours). */
function raw(agent: AgentProcess, method: string, urlPath: string, headers: Record<string, string | number> = {}, body?: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: agent.address, port: agent.port, method, path: urlPath, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('ranged push (p2p) against a real agent process', function () {
  this.timeout(60000);
  let work: string;
  let root: string;
  let agent: AgentProcess;
  let data: Buffer;
  let local: string;
  const opts = (streams: number): TransportOptions => ({ connectTimeoutMs: 1000, probeTimeoutMs: 1000, idleTimeoutMs: 5000, base64ChunkBytes: MiB, knownHostsFile: '/dev/null', env: process.env, streams });
  const push = (rel: string, streams: number, port = agent.port, signal = new AbortController().signal): Promise<PushResult> =>
    new P2PTransport(opts(streams)).push(nodeFor({ address: ADDR, port }), { localPath: local, remotePath: rel }, () => undefined, signal);
  const message = (r: PushResult) => (r.ok ? 'ok' : `${r.code}: ${r.message}`);
  const landed = (rel: string) => sha256(fs.readFileSync(path.join(root, rel)));
  const beside = (rel: string) => fs.readdirSync(path.dirname(path.join(root, rel))).filter((n) => n !== path.basename(rel));
  /** The agent's log lines of range PUTs to `rel` that landed (202). */
  const rangesLogged = (rel: string) => agent.proc.output().split('\n').filter((l) => l.includes(`PUT /files/${rel} 202 `)).length;
  const doneOnNode = async (rel: string) => String((await raw(agent, 'HEAD', `/files/${rel}`)).headers['x-ranges-done'] ?? '');
  const coveredBy = (done: string) => done.split(',').filter(Boolean).reduce((n, r) => n + Number(r.split('-')[1]) - Number(r.split('-')[0]), 0);

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-ranged-it-'));
    root = path.join(work, 'root');
    local = path.join(work, 'big.bin');
    data = randomBytes(SIZE);
    fs.writeFileSync(local, data);
    agent = await spawnAgent({ address: ADDR, root, name: 'test-node' });
  });
  after(async () => {
    await agent?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('4 streams: lands verified; the final path holds the old file until the commit, then the whole new one; nothing left beside it', async () => {
    fs.mkdirSync(path.join(root, 'a'), { recursive: true });
    fs.writeFileSync(path.join(root, 'a/big.bin'), 'the old version');
    const seen = new Set<string>();
    const watch = setInterval(() => {
      const b = fs.readFileSync(path.join(root, 'a/big.bin'));
      seen.add(b.length === SIZE ? 'new' : b.toString() === 'the old version' ? 'old' : `${b.length} other bytes`);
    }, 2);
    const r = await push('a/big.bin', 4);
    clearInterval(watch);
    assert.ok(r.ok, message(r));
    assert.equal(r.streams, 4);
    assert.equal(r.bytesSent, SIZE);
    assert.deepEqual([...seen].filter((s) => s !== 'old' && s !== 'new'), []);
    assert.equal(landed('a/big.bin'), sha256(data));
    assert.equal(rangesLogged('a/big.bin'), SIZE / RANGE);
    assert.deepEqual(beside('a/big.bin'), []);
  });

  // The agent runs in its own process here: in the unit tests it shares the event loop whose delay the connect time holds.
  it('auto to a node on loopback (round trip under 10 ms): one stream, no ranges', async () => {
    const r = await new P2PTransport({ ...opts(1), streams: 'auto' }).push(nodeFor({ address: ADDR, port: agent.port }), { localPath: local, remotePath: 'auto/big.bin' }, () => undefined, new AbortController().signal);
    assert.ok(r.ok, message(r));
    assert.equal(r.streams, 1);
    assert.equal(landed('auto/big.bin'), sha256(data));
    assert.equal(rangesLogged('auto/big.bin'), 0);
  });

  it('ranges landing out of order are kept; the push sends only the missing ones', async () => {
    for (const i of [7, 2, 9]) {
      const part = data.subarray(i * RANGE, (i + 1) * RANGE);
      const headers = { 'X-Total-Size': SIZE, 'X-Sha256': sha256(data), 'X-Range-Start': i * RANGE, 'X-Range-End': (i + 1) * RANGE, 'X-Range-Sha256': sha256(part), 'Content-Length': RANGE };
      assert.equal((await raw(agent, 'PUT', '/files/b/big.bin', headers, part)).status, 202);
    }
    assert.equal(await doneOnNode('b/big.bin'), `${2 * RANGE}-${3 * RANGE},${7 * RANGE}-${8 * RANGE},${9 * RANGE}-${10 * RANGE}`);
    assert.equal(fs.existsSync(path.join(root, 'b/big.bin')), false, 'nothing at the final path before the commit');
    const r = await push('b/big.bin', 3);
    assert.ok(r.ok, message(r));
    assert.equal(r.bytesSent, SIZE - 3 * RANGE);
    assert.equal(rangesLogged('b/big.bin'), SIZE / RANGE);
    assert.equal(landed('b/big.bin'), sha256(data));
  });

  it('a stream cut mid-range: the push fails keeping the ranges that landed; the next sends only the missing ones', async () => {
    // The third range's connection (one of the first two has landed by then) is reset 1 MiB in.
    const proxy = await faultyProxy(agent, { cutRange: { nth: 3, afterBytes: MiB } });
    let first: PushResult;
    try {
      first = await push('c/big.bin', 2, proxy.port);
    } finally {
      await proxy.close();
    }
    assert.ok(!first.ok, 'the cut push fails');
    assert.equal(first.code, 'connection_reset', first.message);
    assert.match(first.message, /^p2p: .*c\/big\.bin bytes \d+-\d+ to test-node/);
    await waitForOutput(agent.proc, /PUT \/files\/c\/big\.bin client-gone/);
    const keptRanges = await doneOnNode('c/big.bin');
    const kept = coveredBy(keptRanges);
    assert.ok(kept >= RANGE && kept < SIZE, `kept ${kept}`);
    assert.equal(first.partial?.after, kept);
    assert.equal(fs.existsSync(path.join(root, 'c/big.bin')), false);
    const before = rangesLogged('c/big.bin');
    const second = await push('c/big.bin', 2);
    assert.ok(second.ok, message(second));
    assert.equal(second.bytesSent, SIZE - kept);
    // The cut range kept what reached the node's disk: the rest of it is one more range.
    assert.equal(rangesLogged('c/big.bin') - before, missingRanges(parseRanges(keptRanges, SIZE) ?? [], SIZE, RANGE).length);
    assert.equal(landed('c/big.bin'), sha256(data));
    assert.deepEqual(beside('c/big.bin'), []);
  });

  it('cancel: returns at once, the old file stays, completed ranges stay; the next push sends only the rest', async () => {
    fs.mkdirSync(path.join(root, 'd'), { recursive: true });
    fs.writeFileSync(path.join(root, 'd/big.bin'), 'the old version');
    const proxy = await faultyProxy(agent, { bytesPerSecond: 6 * MiB });
    const ac = new AbortController();
    let r: PushResult;
    try {
      const pending = push('d/big.bin', 2, proxy.port, ac.signal);
      await waitForOutput(agent.proc, /PUT \/files\/d\/big\.bin 202 /, 20000);
      const t0 = Date.now();
      ac.abort();
      r = await pending;
      assert.ok(Date.now() - t0 < 1000, `returned after ${Date.now() - t0} ms`);
    } finally {
      await proxy.close();
    }
    assert.equal(r.ok ? 'ok' : r.code, 'cancelled');
    assert.equal(fs.readFileSync(path.join(root, 'd/big.bin'), 'utf8'), 'the old version');
    // No wait for the agent's `client-gone`: a cancel between two ranges leaves none in flight to
    // log it. The HEAD waits for ranges in flight (a cut one keeps what reached the disk) to end.
    const kept = coveredBy(await doneOnNode('d/big.bin'));
    assert.ok(kept >= RANGE && kept < SIZE, `kept ${kept}`);
    const again = await push('d/big.bin', 2);
    assert.ok(again.ok, message(again));
    assert.equal(again.bytesSent, SIZE - kept);
    assert.equal(landed('d/big.bin'), sha256(data));
    assert.deepEqual(beside('d/big.bin'), []);
  });

  it('sync --streams 3 --json: the node\'s result says streams 3 and its rate; --streams 0 is a usage error', async () => {
    const hosts = path.join(work, 'distributed_hosts.yaml');
    fs.writeFileSync(hosts, `hosts:\n  test-node:\n    ssh_host: ${ADDR}\n    ssh_port: 9\n    ringrift_path: ${root}\n    p2p_port: ${agent.port}\n    status: ready\n`);
    const common = ['--hosts', hosts, '--state-dir', path.join(work, 'state'), '--known-hosts', '/dev/null'];
    const ok = await runCli(['sync', 'test-node', '--path', local, '--remote', 'e/big.bin', '--streams', '3', '--json', ...common], 30000);
    assert.equal(ok.code, 0, ok.output);
    const [result] = (JSON.parse(ok.output.slice(ok.output.indexOf('{'))) as { results: Array<Record<string, unknown>> }).results;
    assert.equal(result.transportUsed, 'p2p');
    assert.equal(result.streams, 3);
    assert.ok(typeof result.rate_bytes_per_s === 'number' && result.rate_bytes_per_s > 0, ok.output);
    assert.equal(landed('e/big.bin'), sha256(data));
    const bad = await runCli(['sync', 'test-node', '--path', local, '--streams', '0', ...common]);
    assert.equal(bad.code, 2, bad.output);
    assert.match(bad.output, /--streams: streams takes a whole number from 1 to 32, or 'auto'; got '0'/);
  });
});
