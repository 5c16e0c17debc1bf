import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { describeError } from '../result';

/**
 * What the SSH senders of a span of a local file share, whatever they put on the channel (base64
 * text, or the bytes themselves).
 */

/** [start, end) of a local file to write to a remote command's stdin. */
export interface FileSpan {
  file: FileHandle;
  start: number;
  end: number;
  /** File bytes the channel has taken. */
  onBytes(n: number): void;
}

/** Why a span was not sent: the local file (`read`) or the channel (`write`). */
export type SendFailure = { side: 'read' | 'write'; text: string };

/**
 * Reads exactly `len` bytes at `pos`, or says why not: a short read mid-span would shift every
 * later byte (or put base64's `=` mid-stream).
 */
async function readFull(file: FileHandle, buf: Buffer, len: number, pos: number): Promise<number | string> {
  let got = 0;
  try {
    while (got < len) {
      const { bytesRead } = await file.read(buf, got, len - got, pos + got);
      if (bytesRead === 0) return `the file ended at byte ${pos + got}, before the ${len} bytes expected (it shrank while being sent)`;
      got += bytesRead;
    }
    return got;
  } catch (err) {
    return describeError(err);
  }
}

/** Pieces in flight per sender: one being written while the next is read (and encoded). */
export const SPAN_SLOTS = 2;

/** One reused piece buffer: file bytes in `raw`, and in `text` their encoding when the channel takes text. */
export interface SpanSlot {
  raw: Buffer;
  text?: Buffer;
  /** Settles when `out` is done with the slot (its write callback): only then is it refilled. */
  written: Promise<Error | null | undefined>;
}

/** Encodes `raw` into `text`; returns the text's length. */
export type PieceEncoder = (raw: Buffer, text: Buffer) => number;

/**
 * Writes a span of a file to `out` through SPAN_SLOTS reused slots, each piece as it is, or as
 * `encode` makes it (into the slot's `text`). A slot is refilled only after `out` called back for
 * it, so at most SPAN_SLOTS pieces are held and no buffer is allocated per piece: fresh 1 MiB
 * buffers per piece (a read stream, a Transform) left tens of MiB of garbage for V8 to collect
 * late, which is what the RSS bench measured. Does not end `out`. Returns undefined when all was
 * sent, or early once `stop` settles (the remote command ended: its result says why).
 */
export async function sendSpan(r: FileSpan, out: Writable, stop: Promise<unknown>, slots: SpanSlot[], encode?: PieceEncoder): Promise<SendFailure | undefined> {
  const halt = stop.then(() => 'stopped' as const);
  // A write left pending by an earlier span's channel, which ended, never calls back: that
  // channel is gone, so its slots are free.
  for (const slot of slots) slot.written = Promise.resolve(undefined);
  const pieceBytes = slots[0].raw.length;
  for (let pos = r.start, i = 0; pos < r.end; i++) {
    const slot = slots[i % slots.length];
    const before = await Promise.race([slot.written, halt]);
    if (before) return before === 'stopped' ? undefined : { side: 'write', text: before.message };
    const n = await readFull(r.file, slot.raw, Math.min(pieceBytes, r.end - pos), pos);
    if (typeof n === 'string') return { side: 'read', text: n };
    const piece = encode && slot.text ? slot.text.subarray(0, encode(slot.raw.subarray(0, n), slot.text)) : slot.raw.subarray(0, n);
    slot.written = new Promise((done) => out.write(piece, (err) => (err || r.onBytes(n), done(err))));
    pos += n;
  }
  const last = await Promise.race([Promise.all(slots.map((s) => s.written)), halt]);
  const err = last === 'stopped' ? undefined : last.find((e) => e);
  return err ? { side: 'write', text: err.message } : undefined;
}
