import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NodeSpec } from '../../../../src/core/hosts/nodeSpec';
import type { PushResult, Transport, TransportOptions } from '../../../../src/core/transports/transport';
import { spawnAgent, waitForOutput, type AgentProcess } from '../../agent/agentProcess';
import { freePort, startSilentServer } from '../../harness/processes';
import { inOwnRound } from '../../../../src/core/transports/probeRound';

/**
 * The same end-to-end checks for both agent transports (p2p and http speak one protocol at
 * different addresses): a real `ringrift-sync agent` child process on a loopback address.
 */
export interface AgentTransportCase {
  kind: 'p2p' | 'http';
  make(opts: TransportOptions): Transport;
  /** A node whose transport address is `host:port` (the other transport's address points nowhere). */
  node(host: string, port: number): NodeSpec;
  /** Loopback addresses for this suite's agents (distinct per suite). */
  addresses: [string, string];
}

const MiB = 1 << 20;
const sha256File = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');
const never = () => new AbortController().signal;

function writeRandomFile(file: string, bytes: number): void {
  const fd = fs.openSync(file, 'w');
  for (let left = bytes; left > 0; left -= MiB) fs.writeSync(fd, randomBytes(Math.min(left, MiB)));
  fs.closeSync(fd);
}

async function waitForSize(file: string, size: number, ms = 10000): Promise<void> {
  const deadline = Date.now() + ms;
  while ((fs.statSync(file, { throwIfNoEntry: false })?.size ?? -1) !== size) {
    if (Date.now() > deadline) throw new Error(`${file} did not reach ${size} bytes`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function describeAgentTransport(c: AgentTransportCase): void {
  describe(`${c.kind} transport against a real agent process`, function () {
    this.timeout(60000);
    const [addr, faultAddr] = c.addresses;
    let work: string;
    let root: string;
    let agent: AgentProcess;
    let big: string;
    // One stream: these checks are about the single-stream PUT's partial (its prefix, X-Partial-Size);
    // the ranged upload has its own: rangedPush.test.ts.
    const opts: TransportOptions = { connectTimeoutMs: 1000, probeTimeoutMs: 1000, idleTimeoutMs: 5000, base64ChunkBytes: MiB, knownHostsFile: '/dev/null', env: process.env, streams: 1 };
    const transport = () => c.make(opts);
    const push = (node: NodeSpec, local: string, remote: string, signal = never(), t = transport()): Promise<PushResult> =>
      t.push(node, { localPath: local, remotePath: remote }, () => undefined, signal);
    const partialOf = (rel: string) => path.join(root, path.dirname(rel), `.${path.basename(rel)}.ringrift-partial`);
    const message = (r: PushResult) => (r.ok ? 'ok' : `${r.code}: ${r.message}`);

    before(async () => {
      work = fs.mkdtempSync(path.join(os.tmpdir(), `ringrift-${c.kind}-it-`));
      root = path.join(work, 'root');
      big = path.join(work, 'big.bin');
      writeRandomFile(big, 50 * MiB);
      agent = await spawnAgent({ address: addr, root, name: 'test-node' });
    });
    after(async () => {
      await agent?.stop();
      fs.rmSync(work, { recursive: true, force: true });
    });

    it('probes the agent', async () => {
      const r = await inOwnRound(never(), (round) => transport().probe(c.node(addr, agent.port), never(), round));
      assert.equal(r.success, true, r.message);
      assert.equal(r.transport, c.kind);
    });

    it('pushes 50 MiB; the bytes on disk have the local sha256', async () => {
      const r = await push(c.node(addr, agent.port), big, 'data/big.bin');
      assert.ok(r.ok, message(r));
      assert.equal(r.bytesSent, 50 * MiB);
      assert.equal(sha256File(path.join(root, 'data/big.bin')), sha256File(big));
      assert.equal(r.sha256, sha256File(big));
    });

    it('agent SIGKILLed mid-PUT, restarted: the next push resumes and the file verifies', async () => {
      const stallAt = 20 * MiB;
      await agent.stop();
      agent = await spawnAgent({ address: addr, root, port: agent.port, env: { RINGRIFT_AGENT_FAULT_STALL_AFTER_BYTES: String(stallAt) } });
      const node = c.node(addr, agent.port);
      const first = push(node, big, 'resume/big.bin');
      await waitForSize(partialOf('resume/big.bin'), stallAt);
      await agent.stop('SIGKILL');
      const cut = await first;
      assert.ok(!cut.ok, 'the push through a killed agent fails');
      agent = await spawnAgent({ address: addr, root, port: agent.port });
      const second = await push(node, big, 'resume/big.bin');
      assert.ok(second.ok, message(second));
      assert.ok(second.bytesSent < 50 * MiB, `bytesSent ${second.bytesSent}`);
      assert.equal(second.bytesSent, 50 * MiB - stallAt);
      assert.equal(sha256File(path.join(root, 'resume/big.bin')), sha256File(big));
      assert.equal(fs.existsSync(partialOf('resume/big.bin')), false);
    });

    it('cancel mid-push returns within 1 s, keeps the old target, and leaves a partial the next push resumes', async () => {
      const stallAt = 8 * MiB;
      const faulty = await spawnAgent({ address: faultAddr, root, env: { RINGRIFT_AGENT_FAULT_STALL_AFTER_BYTES: String(stallAt) } });
      try {
        fs.mkdirSync(path.join(root, 'cancel'), { recursive: true });
        fs.writeFileSync(path.join(root, 'cancel/big.bin'), 'the previous version');
        const ac = new AbortController();
        const pending = push(c.node(faultAddr, faulty.port), big, 'cancel/big.bin', ac.signal);
        await waitForSize(partialOf('cancel/big.bin'), stallAt);
        const t0 = Date.now();
        ac.abort();
        const r = await pending;
        assert.ok(Date.now() - t0 < 1000, `returned after ${Date.now() - t0} ms`);
        assert.ok(!r.ok);
        assert.equal(r.code, 'cancelled');
        await waitForOutput(faulty.proc, /PUT \/files\/cancel\/big\.bin client-gone/);
      } finally {
        await faulty.stop();
      }
      assert.equal(fs.readFileSync(path.join(root, 'cancel/big.bin'), 'utf8'), 'the previous version');
      assert.equal(fs.statSync(partialOf('cancel/big.bin')).size, stallAt);
      const again = await push(c.node(addr, agent.port), big, 'cancel/big.bin');
      assert.ok(again.ok, message(again));
      assert.equal(again.bytesSent, 50 * MiB - stallAt);
      assert.equal(sha256File(path.join(root, 'cancel/big.bin')), sha256File(big));
    });

    it('a peer that accepts and never answers: probe fails with no_answer within its timeout', async () => {
      const silent = await startSilentServer(faultAddr);
      try {
        const t0 = Date.now();
        const r = await inOwnRound(never(), (round) => transport().probe(c.node(faultAddr, silent.port), never(), round));
        assert.equal(r.code, 'no_answer', r.message);
        assert.match(r.message, /TCP accepted but no HTTP answer in 1 s/);
        assert.ok(Date.now() - t0 < 3000);
      } finally {
        await silent.close();
      }
    });

    // A push asks GET /health which dialect answers before it sends, so a hung agent fails there
    // (a stall in mid-transfer is idle_timeout: test/integration/doctor/transferStall.test.ts).
    it('a SIGSTOPped agent: probe and push both no_answer, bounded', async () => {
      const stopped = await spawnAgent({ address: faultAddr, root });
      try {
        stopped.proc.child.kill('SIGSTOP');
        const probe = await inOwnRound(never(), (round) => transport().probe(c.node(faultAddr, stopped.port), never(), round));
        assert.equal(probe.code, 'no_answer', probe.message);
        const t0 = Date.now();
        const r = await push(c.node(faultAddr, stopped.port), big, 'stopped.bin', never(), c.make({ ...opts, idleTimeoutMs: 1000 }));
        assert.ok(!r.ok);
        assert.equal(r.code, 'no_answer', r.message);
        assert.ok(Date.now() - t0 < 5000);
      } finally {
        await stopped.stop('SIGKILL');
      }
    });

    it('a closed port: refused, quickly', async () => {
      const port = await freePort(faultAddr);
      const t0 = Date.now();
      const r = await inOwnRound(never(), (round) => transport().probe(c.node(faultAddr, port), never(), round));
      assert.equal(r.code, 'refused', r.message);
      assert.match(r.message, new RegExp(`^${c.kind}: ${faultAddr.replace(/\./g, '\\.')}:${port} refused the connection: no agent listens on port ${port} \\(agent down, or the whole node`));
      assert.ok(Date.now() - t0 < 1000);
      const p = await push(c.node(faultAddr, port), big, 'x.bin');
      assert.ok(!p.ok);
      assert.equal(p.code, 'refused');
    });

    it('disk full: refused before writing; the old file stays byte for byte', async () => {
      const full = await spawnAgent({ address: faultAddr, root, args: ['--fake-free-bytes', String(10 * MiB)] });
      try {
        const old = randomBytes(1000);
        fs.writeFileSync(path.join(root, 'full.bin'), old);
        const r = await push(c.node(faultAddr, full.port), big, 'full.bin');
        assert.ok(!r.ok);
        assert.equal(r.code, 'disk_full');
        assert.match(r.message, /50\.0 MiB needed, 10\.0 MiB free/);
        assert.ok(fs.readFileSync(path.join(root, 'full.bin')).equals(old));
        assert.equal(fs.existsSync(partialOf('full.bin')), false);
      } finally {
        await full.stop();
      }
    });

    it('remote names with spaces, quotes, $(...), backticks and ; land under exactly that name; nothing runs', async () => {
      const marker = path.join(os.tmpdir(), `ringrift-pwned-${process.pid}-${c.kind}`);
      const small = path.join(work, 'small.bin');
      fs.writeFileSync(small, 'payload');
      const names = [`with space.bin`, `it's "quoted".bin`, `$(touch ${marker})`, `\`touch ${marker}\`.bin`, `a; touch ${marker}.bin`];
      for (const name of names) {
        const r = await push(c.node(addr, agent.port), small, `odd/${name}`);
        assert.ok(r.ok, `${name}: ${message(r)}`);
        assert.equal(fs.readFileSync(path.join(root, 'odd', name), 'utf8'), 'payload', name);
      }
      assert.equal(fs.existsSync(marker), false);
      assert.equal(fs.existsSync(`${marker}.bin`), false);
    });

    it('../x is refused and nothing is written outside the root', async () => {
      const r = await push(c.node(addr, agent.port), big, '../x');
      assert.ok(!r.ok);
      assert.equal(r.code, 'path_escapes_base');
      assert.equal(fs.existsSync(path.join(work, 'x')), false);
    });
  });
}
