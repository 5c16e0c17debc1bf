import type { Writable } from 'node:stream';
import { sendSpan, SPAN_SLOTS, type FileSpan, type SendFailure, type SpanSlot } from '../fileSpans';

/**
 * Raw bytes per piece: a multiple of 3, so only the range's last piece can pad (`=`), and GNU,
 * BusyBox and macOS decoders all take the pieces as one long line (no line breaks: they would cost
 * a copy per 76 bytes). 768 KiB of file is 1 MiB of text.
 */
const PIECE_BYTES = 3 << 18;
/** Raw bytes per string while encoding: a multiple of 3; its 96 KiB of text is below V8's large-object size. */
const ENCODE_STEP = 3 * 24 * 1024;
/**
 * The slots of one sender, of `pieceBytes` of file each (rounded down to a multiple of 3, so only
 * a range's last piece pads) and their text: a sender of many ranges (one SSH connection of a
 * ranged push) reuses them range after range, and several senders share a memory budget.
 */
export function base64Slots(pieceBytes = PIECE_BYTES): SpanSlot[] {
  const raw = alignChunkBytes(pieceBytes);
  return Array.from({ length: SPAN_SLOTS }, () => ({ raw: Buffer.allocUnsafe(raw), text: Buffer.allocUnsafe((raw / 3) * 4), written: Promise.resolve(undefined) }));
}

/** Writes [start, end) of a file to `out` as base64 (fileSpans.ts sendSpan); does not end `out`. */
export function sendBase64Range(r: FileSpan, out: Writable, stop: Promise<unknown>, slots: SpanSlot[] = base64Slots()): Promise<SendFailure | undefined> {
  return sendSpan(r, out, stop, slots, encodeInto);
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
