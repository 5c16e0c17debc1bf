import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { missingRanges, type ByteRange } from '../../../../../src/core/byteRanges';
import { fail, ok, type Result } from '../../../../../src/core/result';
import type { ExecOptions, ExecResult, SshSession } from '../../../../../src/core/ssh/session';
import type { SshErrorCode } from '../../../../../src/core/ssh/sshErrors';
import type { StreamScaler } from '../../../../../src/core/transports/streamCount';
import { DEFAULT_TRANSPORT_OPTIONS } from '../../../../../src/core/transports/transport';
import { rangedFilePaths } from '../../../../../src/core/transports/sshRanges/rangedScripts';
import { rawDialect } from '../../../../../src/core/transports/sshRanges/rawDialect';
import { SshRangeSender } from '../../../../../src/core/transports/sshRanges/sshRangeSender';
import { nodeSpec } from '../../../helpers/nodeSpec';

const MiB = 1 << 20;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** One range command as the fake node saw it. */
interface FakeExec {
  /** `start-end` from its range line; undefined: it never got one. */
  range?: string;
  bytes: number;
  aborted: boolean;
}

/**
 * A node behind one SSH connection: each exec's shell takes `shellMs` to start, each channel write
 * `writeMs` to call back, and a range's answer comes `verifyMs` after its stdin ended (range-ok
 * when its bytes are the file's, as the line announced). `events` logs what happened, in order.
 */
class FakeNode implements SshSession {
  readonly label = 'fake';
  readonly closed = false;
  readonly rttMs = 0;
  readonly execs: FakeExec[] = [];
  readonly events: string[] = [];
  open = 0;
  maxOpen = 0;
  /** Called on each range's first bytes (after its line). */
  onFirstBytes: (range: string) => void = () => undefined;

  constructor(
    private readonly file: Buffer,
    private readonly t = { shellMs: 30, writeMs: 60, verifyMs: 80 },
    private readonly answer = (_range: string, good: boolean) => (good ? 'range-ok\n' : 'range-mismatch 00\n'),
  ) {}

  exec(_command: string, opts: ExecOptions): Promise<Result<ExecResult, SshErrorCode>> {
    const e: FakeExec = { bytes: 0, aborted: false };
    this.execs.push(e);
    this.events.push(`open ${this.execs.length}`);
    this.maxOpen = Math.max(this.maxOpen, ++this.open);
    return new Promise((resolve) => {
      let settled = false;
      const finish = (r: Result<ExecResult, SshErrorCode>) => {
        if (!settled) (settled = true), this.open--, resolve(r);
      };
      opts.signal.addEventListener('abort', () => ((e.aborted = true), finish(fail('cancelled', 'fake: cancelled'))), { once: true });
      const stdin = this.stdinOf(e, (answer) => setTimeout(() => (opts.onStdout!(Buffer.from(answer)), finish(ok({ code: 0, stdout: '', stderr: '' }))), this.t.verifyMs));
      setTimeout(() => settled || opts.onStdin!(stdin), this.t.shellMs);
    });
  }

  /** The command's stdin: reads the range line, checks the bytes, answers once it ends. */
  private stdinOf(e: FakeExec, answer: (text: string) => void): Writable {
    const chunks: Buffer[] = [];
    let line: string[] | undefined;
    return new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        // A copy: the writer refills its buffer once this calls back.
        chunks.push(Buffer.from(chunk));
        const all = Buffer.concat(chunks);
        const nl = all.indexOf('\n');
        if (!line && nl >= 0) (line = all.subarray(0, nl).toString().split(' ')), (e.range = `${line[0]}-${line[1]}`);
        const bytes = line ? all.length - nl - 1 : 0;
        if (e.bytes === 0 && bytes > 0) this.events.push(`bytes ${e.range}`), this.onFirstBytes(e.range!);
        e.bytes = bytes;
        setTimeout(cb, line && bytes > 0 ? this.t.writeMs : 0);
      },
      final: (cb) => {
        cb();
        if (!line || e.aborted) return;
        this.events.push(`end ${e.range}`);
        const all = Buffer.concat(chunks);
        const [start, end] = [Number(line[0]), Number(line[1])];
        const good = sha(all.subarray(all.indexOf('\n') + 1)) === line[2] && sha(this.file.subarray(start, end)) === line[2];
        answer(this.answer(e.range!, good));
        setTimeout(() => this.events.push(`answer ${e.range}`), this.t.verifyMs);
      },
    });
  }

  close(): void {}
}

describe('core/transports/sshRanges/sshRangeSender', () => {
  let dir: string;
  let file: string;
  const data = randomBytes(4 * MiB);
  const cells = [0, 1, 2, 3].map((i) => sha(data.subarray(i * MiB, (i + 1) * MiB)));
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rangesender-'));
    file = path.join(dir, 'f.bin');
    fs.writeFileSync(file, data);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A scaler held at `streams` (mutable), recording how many ranges it was told were sending; maxStreams 32: 256 KiB pieces, four per range. */
  const scalerAt = (streams: number) => ({ streams, maxStreams: 32, sendingSeen: [] as number[], observe(_b: number, sending: number) { this.sendingSeen.push(sending); } });

  async function push(node: FakeNode, opts: { scaler?: ReturnType<typeof scalerAt>; signal?: AbortSignal; connect?: () => Promise<Result<SshSession, SshErrorCode>>; source?: { data: Buffer; file: string } } = {}) {
    const src = opts.source ?? { data, file };
    const fh = await fs.promises.open(src.file, 'r');
    const scaler = opts.scaler ?? scalerAt(1);
    const cellsOf = src.data === data ? cells : Array.from({ length: src.data.length / MiB }, (_, i) => sha(src.data.subarray(i * MiB, (i + 1) * MiB)));
    const queue: ByteRange[] = missingRanges([], src.data.length, MiB);
    const signal = opts.signal ?? new AbortController().signal;
    setMaxListeners(64, signal); // as sshRanged.ts does for its push: each stream's commands listen
    const reported: ByteRange[] = [];
    try {
      const sender = new SshRangeSender(
        {
          node: nodeSpec(), opts: { ...DEFAULT_TRANSPORT_OPTIONS, knownHostsFile: '/dev/null', env: {} }, sshOverrides: {}, paths: rangedFilePaths('f.bin'),
          label: 'rsync ranges to f.bin', where: 'node gpu-1: rsync ranges to f.bin', file: fh, localPath: src.file, dialect: rawDialect,
          tools: { decoder: undefined, tool: 'sha256sum' }, cells: cellsOf, rangeBytes: MiB, scaler: scaler as unknown as StreamScaler,
          meter: { onNode: 0, sent: 0 }, signal, connect: opts.connect, landed: (range) => reported.push(range),
        },
        queue, 0, node,
      );
      const failed = await sender.run();
      return { failed, landed: sender.progress.landedBytes, reported, queue, scaler };
    } finally {
      await fh.close();
    }
  }
  const at = (events: string[], event: string) => {
    const i = events.indexOf(event);
    assert.ok(i >= 0, `no '${event}' in ${events.join(', ')}`);
    return i;
  };

  it("pipelines one stream's ranges: the next range's bytes flow before the node answered the one before, on a command already open", async () => {
    const node = new FakeNode(data);
    const r = await push(node);
    assert.equal(r.failed, undefined, r.failed?.message);
    assert.equal(r.landed, 4 * MiB);
    assert.deepEqual(r.reported, [0, 1, 2, 3].map((i) => ({ start: i * MiB, end: (i + 1) * MiB })), 'each recorded range told, in order (the finish hashes on)');
    assert.deepEqual(node.execs.map((e) => [e.range, e.bytes]), [0, 1, 2, 3].map((i) => [`${i * MiB}-${(i + 1) * MiB}`, MiB]), 'one command per range, in order, no spare left over');
    const ev = node.events;
    for (let i = 1; i < 4; i++) {
      const [before, range] = [`${(i - 1) * MiB}-${i * MiB}`, `${i * MiB}-${(i + 1) * MiB}`];
      assert.ok(at(ev, `bytes ${range}`) < at(ev, `answer ${before}`), `${range} waited for the answer to ${before}: ${ev.join(', ')}`);
      assert.ok(at(ev, `open ${i + 1}`) < at(ev, `end ${before}`), `the command for ${range} opened only after ${before} was written: ${ev.join(', ')}`);
    }
    assert.equal(node.maxOpen, 3, 'three commands per connection at most: one answering, one writing, the next');
    assert.ok(Math.max(...r.scaler.sendingSeen) === 1, `one stream counted as sending at most once: ${r.scaler.sendingSeen.join(',')}`);
  });

  it('the first failure stops new ranges: the one already on its way lands and counts, the command opened ahead closes without a range', async () => {
    const node = new FakeNode(data, undefined, (range, good) => (good && range !== `0-${MiB}` ? 'range-ok\n' : 'range-mismatch 00\n'));
    const r = await push(node);
    assert.equal(r.failed?.code, 'checksum_mismatch', r.failed?.message);
    assert.match(r.failed!.message, /^node gpu-1: rsync ranges to f.bin: bytes 0-1048576 hash to 00 on the node/);
    assert.deepEqual(node.execs.slice(0, 2).map((e) => e.range), [`0-${MiB}`, `${MiB}-${2 * MiB}`]);
    assert.deepEqual(node.execs.slice(2).map((e) => [e.range, e.bytes, e.aborted]), [[undefined, 0, true]], 'the spare for 2-3 MiB: closed before its range line');
    assert.equal(r.landed, MiB, 'the second range was written before the first was answered: it lands');
    assert.deepEqual(r.reported, [{ start: MiB, end: 2 * MiB }], 'only the recorded range is told');
    assert.deepEqual(r.queue, [{ start: 2 * MiB, end: 3 * MiB }, { start: 3 * MiB, end: 4 * MiB }]);
  });

  it('cancelled mid-range: the command opened ahead is closed before its range line, nothing stranded', async () => {
    const node = new FakeNode(data);
    const ac = new AbortController();
    node.onFirstBytes = () => ac.abort();
    const started = Date.now();
    const r = await push(node, { signal: ac.signal });
    assert.equal(r.failed?.code, 'cancelled');
    assert.ok(Date.now() - started < 500);
    assert.equal(node.execs.length, 2);
    assert.deepEqual([node.execs[1].range, node.execs[1].bytes, node.execs[1].aborted], [undefined, 0, true], 'the spare got nothing and was closed');
    assert.equal(r.queue.length, 3, 'only the range being written left the queue');
  });

  it('a stream that retires (the scaler went down) closes its spare command unused and leaves the ranges queued', async () => {
    const node = new FakeNode(data);
    const scaler = scalerAt(1);
    node.onFirstBytes = () => (scaler.streams = 0);
    const r = await push(node, { scaler });
    assert.equal(r.landed, MiB);
    assert.deepEqual([node.execs.length, node.execs[1].range, node.execs[1].aborted], [2, undefined, true]);
    assert.deepEqual(r.queue.map((q) => q.start), [MiB, 2 * MiB, 3 * MiB]);
  });

  it('logs in at most 8 new streams at once (sshd\'s default MaxStartups drops logins beyond 10); the rest follow as they finish', async () => {
    let [atOnce, most, logins] = [0, 0, 0];
    const connect = async () => {
      logins++;
      most = Math.max(most, ++atOnce);
      await new Promise((r) => setTimeout(r, 50));
      atOnce--;
      return ok(new FakeNode(big) as SshSession);
    };
    // Sixteen 1 MiB ranges for sixteen streams: the first on the push's own connection, 15 logins.
    const big = randomBytes(16 * MiB);
    const bigFile = path.join(dir, 'big.bin');
    fs.writeFileSync(bigFile, big);
    const r = await push(new FakeNode(big), { scaler: scalerAt(16), connect, source: { data: big, file: bigFile } });
    assert.equal(r.failed, undefined, r.failed?.message);
    assert.equal(r.landed, 16 * MiB);
    assert.equal(most, 8);
    assert.ok(logins > 8, `${logins} logins`);
  });

  it('settled at one stream after more were tried, the stream left moves to a new connection; the oldest retires', async () => {
    const first = new FakeNode(data);
    const logins: FakeNode[] = [];
    const connect = async () => {
      const n = new FakeNode(data);
      logins.push(n);
      return ok(n as SshSession);
    };
    const scaler = scalerAt(2);
    // Once both streams sent, the scaler goes back to one, for good.
    first.onFirstBytes = () => setTimeout(() => Object.assign(scaler, { streams: 1, maxStreams: 1 }), 100);
    const r = await push(first, { scaler, connect });
    assert.equal(r.failed, undefined, r.failed?.message);
    assert.equal(r.landed, 4 * MiB);
    assert.equal(logins.length, 2, 'the second stream, then one new connection for the stream left');
    const sent = (n: FakeNode) => n.execs.filter((e) => e.bytes > 0).length;
    assert.ok(sent(logins[1]) >= 1, 'the new connection carried the ranges after the change');
    assert.equal(sent(first) + sent(logins[0]) + sent(logins[1]), 4);
  });
});
