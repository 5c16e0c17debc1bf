import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { alignChunkBytes, sendBase64Range } from '../../../../../src/core/transports/base64/base64Stream';

/**
 * A channel that takes its time: each write calls back a few ms later, and only then copies the
 * bytes it was given, so a buffer reused before its callback shows up as wrong text. Only `write`
 * is used by the sender.
 */
class SlowChannel {
  text = '';
  /** Writes whose callback has not come yet. */
  private pending = 0;
  maxPending = 0;

  constructor(private readonly failAt = Infinity) {}

  write(chunk: Buffer, cb: (err?: Error | null) => void): boolean {
    this.maxPending = Math.max(this.maxPending, ++this.pending);
    setTimeout(() => {
      this.pending--;
      if (this.text.length >= this.failAt) return cb(new Error('channel closed'));
      this.text += chunk.toString('latin1');
      cb();
    }, 2);
    return false;
  }

  get asWritable(): Writable {
    return this as unknown as Writable;
  }
}

describe('core/transports/base64/base64Stream', () => {
  let dir: string;
  let file: string;
  const data = randomBytes(2 * 1024 * 1024 + 7);
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'b64stream-'));
    file = path.join(dir, 'f.bin');
    fs.writeFileSync(file, data);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function send(start: number, end: number, out: Writable | SlowChannel, stop: Promise<unknown> = new Promise(() => undefined)) {
    const fh = await fs.promises.open(file, 'r');
    let counted = 0;
    try {
      const failure = await sendBase64Range({ file: fh, start, end, onBytes: (n) => (counted += n) }, out instanceof SlowChannel ? out.asWritable : out, stop);
      return { failure, counted };
    } finally {
      await fh.close();
    }
  }

  it('sends a range of several pieces exactly as one base64 of it, padding only at the end, through reused buffers', async () => {
    const out = new SlowChannel();
    const r = await send(5, data.length, out);
    const want = data.subarray(5);
    assert.equal(r.failure, undefined);
    assert.equal(out.text, want.toString('base64'));
    assert.doesNotMatch(out.text.slice(0, -2), /=/);
    assert.equal(r.counted, want.length);
  });

  it('holds at most two pieces in the channel at once (its callbacks are the backpressure)', async () => {
    const out = new SlowChannel();
    await send(0, data.length, out);
    assert.ok(out.maxPending <= 2, `pending writes peaked at ${out.maxPending}`);
    assert.ok(out.text.length > 0);
  });

  it('sends nothing for an empty range', async () => {
    const out = new SlowChannel();
    const r = await send(10, 10, out);
    assert.equal(r.failure, undefined);
    assert.equal(out.text, '');
  });

  it('a range past the end of the file (it shrank) is a read failure', async () => {
    const r = await send(data.length - 3, data.length + 10, new SlowChannel());
    assert.equal(r.failure?.side, 'read');
    assert.match(r.failure!.text, /shrank/);
  });

  it('a write that calls back with an error is a write failure', async () => {
    const r = await send(0, data.length, new SlowChannel(100_000));
    assert.deepEqual(r.failure, { side: 'write', text: 'channel closed' });
  });

  it('stops, without a failure, once the remote command ended, even with a write that never calls back', async () => {
    const stuck = new Writable({ write: () => undefined });
    let ended: () => void = () => undefined;
    const stop = new Promise<void>((resolve) => (ended = resolve));
    setTimeout(() => ended(), 20);
    const r = await send(0, data.length, stuck, stop);
    assert.equal(r.failure, undefined);
  });

  it('rounds chunk sizes down to a multiple of 3', () => {
    assert.equal(alignChunkBytes(4 * 1024 * 1024), 4194303);
    assert.equal(alignChunkBytes(3), 3);
    assert.equal(alignChunkBytes(1), 3);
  });
});
