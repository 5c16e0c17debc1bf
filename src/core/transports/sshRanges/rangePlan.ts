import { coveredBytes, missingRanges, rangeBytesFor, type ByteRange } from '../../byteRanges';
import { SLOTS } from '../base64/base64Stream';

/**
 * What a ranged base64 push sends and how much memory its streams may hold: pure.
 */

/** Read and text buffers all streams of one push share at most, whatever their count. */
const BUFFER_BUDGET_BYTES = 16 << 20;
/** Below this a piece costs more in reads and channel writes than it saves. */
const MIN_PIECE_BYTES = 3 << 16;
/** The single-stream piece (base64Stream): no stream needs more. */
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
 * File bytes per piece for each stream: its SLOTS pieces of file and text (4/3 of it) stay within
 * an even share of BUFFER_BUDGET_BYTES for the most streams the push may reach. 16 streams: 219 KiB.
 */
export function pieceBytesFor(maxStreams: number): number {
  const share = BUFFER_BUDGET_BYTES / Math.max(1, maxStreams) / SLOTS;
  const piece = Math.floor((share * 3) / 7);
  return Math.min(MAX_PIECE_BYTES, Math.max(MIN_PIECE_BYTES, piece - (piece % 3)));
}
