import type { Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * Streams base64 for `base64 -d` on the node: encodes each piece on a 3-byte boundary (so no `=`
 * padding appears mid-stream; only the end of the slice may pad), feeds the raw bytes to the
 * whole-file hash on the way, and counts them for progress. No line breaks: GNU, BusyBox and macOS
 * decoders all take one long line, and breaks would cost a copy per 76 bytes. The tree's base64 rung
 * pipes its tar stream (and, without tar, each file) through it; a single-file push streams through
 * reused buffers instead (transports/base64/base64Stream.ts).
 */
export class Base64Encoder extends Transform {
  private carry: Buffer = Buffer.alloc(0);
  /** Raw (not encoded) bytes that went through. */
  bytesIn = 0;

  constructor(
    private readonly hash: Hash | undefined,
    private readonly onBytes: (n: number) => void,
  ) {
    // Large buffers: fewer, bigger writes into the SSH channel.
    super({ readableHighWaterMark: 1 << 20, writableHighWaterMark: 1 << 20 });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash?.update(chunk);
    this.bytesIn += chunk.length;
    this.onBytes(chunk.length);
    const data = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const aligned = data.length - (data.length % 3);
    this.carry = Buffer.from(data.subarray(aligned));
    if (aligned > 0) this.push(Buffer.from(data.subarray(0, aligned).toString('base64'), 'latin1'));
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.carry.length) this.push(Buffer.from(this.carry.toString('base64'), 'latin1'));
    this.push('\n');
    done();
  }
}
