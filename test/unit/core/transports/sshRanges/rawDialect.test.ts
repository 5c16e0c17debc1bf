import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Writable } from 'node:stream';
import { rawDialect } from '../../../../../src/core/transports/sshRanges/rawDialect';
import { base64Dialect } from '../../../../../src/core/transports/sshRanges/base64Dialect';
import type { InspectReport } from '../../../../../src/core/transports/sshRanges/rangedScripts';

/**
 * A channel that takes its time: each write calls back a few ms later and only then copies what
 * it was given, so a buffer reused before its callback shows up as wrong bytes. `write` and `end`
 * are all a range writer uses.
 */
class SlowChannel {
  bytes = Buffer.alloc(0);
  ended = false;
  private pending = 0;
  maxPending = 0;

  constructor(private readonly failAfter = Infinity) {}

  write(chunk: Buffer, cb: (err?: Error | null) => void): boolean {
    this.maxPending = Math.max(this.maxPending, ++this.pending);
    setTimeout(() => {
      this.pending--;
      if (this.bytes.length >= this.failAfter) return cb(new Error('channel closed'));
      this.bytes = Buffer.concat([this.bytes, chunk]);
      cb();
    }, 2);
    return false;
  }

  end(): void {
    this.ended = true;
  }

  get asWritable(): Writable {
    return this as unknown as Writable;
  }
}

describe('core/transports/sshRanges/rawDialect', () => {
  let dir: string;
  let file: string;
  // Every byte value, newlines and NULs included: the channel carries them as they are.
  const data = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(3 * 1024 * 1024)]);
  const never = new Promise<unknown>(() => undefined);
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rawdialect-'));
    file = path.join(dir, 'f.bin');
    fs.writeFileSync(file, data);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function send(start: number, end: number, out: SlowChannel, stop = never, maxStreams = 16) {
    const fh = await fs.promises.open(file, 'r');
    let counted = 0;
    try {
      const failure = await rawDialect.streamWriter(maxStreams)({ file: fh, start, end, onBytes: (n) => (counted += n) }, out.asWritable, stop);
      return { failure, counted };
    } finally {
      await fh.close();
    }
  }

  it('writes a span of several pieces byte for byte through two reused buffers, then ends stdin', async () => {
    const out = new SlowChannel();
    const { failure, counted } = await send(100, data.length, out);
    assert.equal(failure, undefined);
    assert.ok(out.bytes.equals(data.subarray(100)), 'the bytes themselves, in order');
    assert.equal(counted, data.length - 100);
    assert.ok(out.ended, 'stdin ended: dd sees the end of the range');
    assert.ok(out.maxPending <= 2, `at most two pieces in flight, saw ${out.maxPending}`);
  });

  it('reuses one writer range after range', async () => {
    const fh = await fs.promises.open(file, 'r');
    try {
      const write = rawDialect.streamWriter(4);
      for (const [start, end] of [[0, 1 << 20], [1 << 20, data.length]]) {
        const out = new SlowChannel();
        assert.equal(await write({ file: fh, start, end, onBytes: () => undefined }, out.asWritable, never), undefined);
        assert.ok(out.bytes.equals(data.subarray(start, end)) && out.ended);
      }
    } finally {
      await fh.close();
    }
  });

  it('a channel that refuses data is a write failure, stdin left for the command to end; a shrunk file a read failure', async () => {
    const refused = new SlowChannel(1 << 20);
    const w = await send(0, data.length, refused);
    assert.equal(w.failure?.side, 'write');
    assert.equal(refused.ended, false);
    const r = await send(data.length - 10, data.length + 10, new SlowChannel());
    assert.equal(r.failure?.side, 'read');
    assert.match(r.failure!.text, /shrank/);
  });

  it('stops without a word once the command ended (its exit says why)', async () => {
    const out = new SlowChannel();
    const { failure } = await send(0, data.length, out, Promise.resolve());
    assert.equal(failure, undefined);
    assert.ok(out.bytes.length < data.length);
    assert.equal(out.ended, false);
  });

  it('needs no decoder on the node; base64 needs its base64 and a flag that decodes', () => {
    const report = { base64Present: false, decodeFlag: undefined } as InspectReport;
    assert.deepEqual(rawDialect.decoderOn(report), { ok: true, value: undefined });
    assert.deepEqual(rawDialect.detection, []);
    const none = base64Dialect.decoderOn(report);
    assert.ok(!none.ok && none.code === 'remote_tool_missing' && /'base64'/.test(none.message));
    assert.ok(!base64Dialect.decoderOn({ ...report, base64Present: true }).ok);
    assert.deepEqual(base64Dialect.decoderOn({ ...report, base64Present: true, decodeFlag: '-D' }), { ok: true, value: 'base64 -D' });
  });
});
