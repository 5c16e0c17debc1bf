import { coveredBytes, missingRanges, rangeBytesFor, type ByteRange } from '../../byteRanges';

/**
 * What a ranged SSH push sends and how much memory its streams may hold: pure.
 */

/**
 * Buffers (file bytes, and base64's text) all streams of one push share at most, whatever their
 * count. 12 MiB, not 16: the 16 connections' own SSH state and what they leave for the collector
 * come on top (1 GiB over 16 rsync streams on loopback: peak RSS growth 60-66 MiB at 16, 51-56 at
 * 12, against the 64 MiB goal).
 */
const BUFFER_BUDGET_BYTES = 12 << 20;
/** Below this a piece costs more in reads and channel writes than it saves. */
const MIN_PIECE_BYTES = 3 << 16;
/** The single-stream base64 piece (base64Stream): no stream needs more. */
const MAX_PIECE_BYTES = 3 << 18;

interface RangePlan {
  /** The grid the file is cut on (rangeBytesFor): every range is one cell of it, or the last, short one. */
  rangeBytes: number;
  /** Ranges still to send, in file order. */
  queue: ByteRange[];
  /** Bytes of the file the node already holds, verified (its kept ranges). */
  doneBytes: number;
}

/** The ranges to send, given those the node kept of this very file (undefined: none). */
export function planRanges(kept: readonly ByteRange[] | undefined, size: number): RangePlan {
  const rangeBytes = rangeBytesFor(size);
  const done = kept ?? [];
  return { rangeBytes, queue: missingRanges(done, size, rangeBytes), doneBytes: coveredBytes(done) };
}

/** The sha256 of a range from the file's cell hashes (cellHashesInWorker with the plan's rangeBytes). */
export function rangeSha256(cells: readonly string[], range: ByteRange, rangeBytes: number): string {
  return cells[range.start / rangeBytes];
}

/**
 * File bytes per piece for each stream: a stream holds `heldPerPieceByte` bytes of buffer per byte
 * of its piece (its slots, and for base64 their text, 4/3 of it), and all the most streams the
 * push may reach stay within BUFFER_BUDGET_BYTES. A multiple of 3, so only a base64 range's last
 * piece pads (raw bytes do not mind). base64 at 16 streams: 192 KiB (the floor); raw: 384 KiB.
 */
export function pieceBytesFor(maxStreams: number, heldPerPieceByte: number): number {
  const piece = Math.floor(BUFFER_BUDGET_BYTES / Math.max(1, maxStreams) / heldPerPieceByte);
  return Math.min(MAX_PIECE_BYTES, Math.max(MIN_PIECE_BYTES, piece - (piece % 3)));
}
