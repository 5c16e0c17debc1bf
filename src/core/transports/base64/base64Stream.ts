import type { Writable } from 'node:stream';
import { readFull, type FileSpan, type SendFailure } from '../fileSpans';

/**
 * Raw bytes per piece: a multiple of 3, so only the range's last piece can pad (`=`), and GNU,
 * BusyBox and macOS decoders all take the pieces as one long line (no line breaks: they would cost
 * a copy per 76 bytes). 768 KiB of file is 1 MiB of text.
 */
const PIECE_BYTES = 3 << 18;
/** Raw bytes per string while encoding: a multiple of 3; its 96 KiB of text is below V8's large-object size. */
const ENCODE_STEP = 3 * 24 * 1024;
/** Pieces in flight: one being written while the next is read and encoded. */
export const SLOTS = 2;

/** One reused pair of buffers: file bytes in, base64 text out. */
export interface Slot {
  raw: Buffer;
  text: Buffer;
  /** Settles when `out` is done with `text` (its write callback): only then is the slot refilled. */
  written: Promise<Error | null | undefined>;
}

/**
 * The SLOTS buffer pairs of one sender, of `pieceBytes` of file each (rounded down to a multiple
 * of 3, so only a range's last piece pads): a sender of many ranges (one SSH connection of a
 * ranged push) reuses them range after range, and several senders share a memory budget.
 */
export function base64Slots(pieceBytes = PIECE_BYTES): Slot[] {
  const raw = alignChunkBytes(pieceBytes);
  return Array.from({ length: SLOTS }, () => ({ raw: Buffer.allocUnsafe(raw), text: Buffer.allocUnsafe((raw / 3) * 4), written: Promise.resolve(undefined) }));
}

/**
 * Writes [start, end) of a file to `out` as base64, through SLOTS reused buffer pairs: a slot is
 * refilled only after `out` called back for its text, so at most SLOTS pieces are held and no
 * buffer is allocated per piece. Fresh 1 MiB buffers per piece (a read stream, a Transform) left
 * tens of MiB of garbage for V8 to collect late, which is what the RSS bench measured. Returns
 * undefined when all was sent, or early once `stop` settles (the remote command ended: its result
 * says why).
 */
export async function sendBase64Range(r: FileSpan, out: Writable, stop: Promise<unknown>, slots: Slot[] = base64Slots()): Promise<SendFailure | undefined> {
  const halt = stop.then(() => 'stopped' as const);
  // A write left pending by an earlier range's channel, which ended, never calls back: that
  // channel is gone, so its slots are free.
  for (const slot of slots) slot.written = Promise.resolve(undefined);
  const pieceBytes = slots[0].raw.length;
  for (let pos = r.start, i = 0; pos < r.end; i++) {
    const slot = slots[i % SLOTS];
    const before = await Promise.race([slot.written, halt]);
    if (before) return before === 'stopped' ? undefined : { side: 'write', text: before.message };
    const n = await readFull(r.file, slot.raw, Math.min(pieceBytes, r.end - pos), pos);
    if (typeof n === 'string') return { side: 'read', text: n };
    const len = encodeInto(slot.raw.subarray(0, n), slot.text);
    slot.written = new Promise((done) => out.write(slot.text.subarray(0, len), (err) => (err || r.onBytes(n), done(err))));
    pos += n;
  }
  const last = await Promise.race([Promise.all(slots.map((s) => s.written)), halt]);
  const err = last === 'stopped' ? undefined : last.find((e) => e);
  return err ? { side: 'write', text: err.message } : undefined;
}

/**
 * base64 of `raw` into `text`, in steps whose strings stay small young-generation heap objects:
 * one string per 768 KiB piece (1 MiB) would be a large object, mapped fresh and page-faulted in
 * for every piece (most of the encoding's CPU in a profile), and past ~1 MiB Node makes it an
 * external string that only V8's 64 MiB external limit frees. Returns the text's length.
 */
function encodeInto(raw: Buffer, text: Buffer): number {
  let len = 0;
  for (let at = 0; at < raw.length; at += ENCODE_STEP) {
    len += text.write(raw.toString('base64', at, Math.min(raw.length, at + ENCODE_STEP)), len, 'latin1');
  }
  return len;
}

/** Rounds a chunk size down to a multiple of 3 (at least 3), so every chunk but the last encodes without padding. */
export function alignChunkBytes(n: number): number {
  return Math.max(3, n - (n % 3));
}
