import type { Writable } from 'node:stream';
import { ok } from '../../result';
import { readFull, type FileSpan, type SendFailure } from '../fileSpans';
import type { RangeDialect } from './rangeDialect';
import { pieceBytesFor } from './rangePlan';

/** Pieces in flight per stream: one being written while the next is read. */
const RAW_SLOTS = 2;

/**
 * Ranges as the file's bytes themselves on the exec's stdin, read by dd as they come: an exec
 * channel without a pty is 8-bit clean, so nothing encodes (base64 costs a third more on the wire
 * and a decoder's CPU on the node). The rsync rung's way: a node with rsync has a real shell.
 */
export const rawDialect: RangeDialect = {
  detection: [],
  decoderOn: () => ok(undefined),
  streamWriter(maxStreams) {
    const slots = rawSlots(pieceBytesFor(maxStreams, RAW_SLOTS));
    return (span, stdin, stop) => sendRawRange(span, stdin, stop, slots);
  },
};

/** One reused piece buffer, and when the channel is done with it (its write callback). */
interface RawSlot {
  buf: Buffer;
  written: Promise<Error | null | undefined>;
}

function rawSlots(pieceBytes: number): RawSlot[] {
  return Array.from({ length: RAW_SLOTS }, () => ({ buf: Buffer.allocUnsafe(pieceBytes), written: Promise.resolve(undefined) }));
}

/**
 * Writes [start, end) of a file to `out` through RAW_SLOTS reused buffers (a slot is refilled only
 * once `out` called back for it: no buffer per piece, as in base64Stream), then ends `out`.
 * Returns undefined when all was sent, or early once `stop` settles.
 */
async function sendRawRange(r: FileSpan, out: Writable, stop: Promise<unknown>, slots: RawSlot[]): Promise<SendFailure | undefined> {
  const halt = stop.then(() => 'stopped' as const);
  // A write left pending by an earlier range's channel, which ended, never calls back: its slots are free.
  for (const slot of slots) slot.written = Promise.resolve(undefined);
  for (let pos = r.start, i = 0; pos < r.end; i++) {
    const slot = slots[i % slots.length];
    const before = await Promise.race([slot.written, halt]);
    if (before) return before === 'stopped' ? undefined : { side: 'write', text: before.message };
    const n = await readFull(r.file, slot.buf, Math.min(slot.buf.length, r.end - pos), pos);
    if (typeof n === 'string') return { side: 'read', text: n };
    slot.written = new Promise((done) => out.write(slot.buf.subarray(0, n), (err) => (err || r.onBytes(n), done(err))));
    pos += n;
  }
  const last = await Promise.race([Promise.all(slots.map((s) => s.written)), halt]);
  if (last === 'stopped') return undefined;
  const err = last.find((e) => e);
  if (err) return { side: 'write', text: err.message };
  out.end();
  return undefined;
}
