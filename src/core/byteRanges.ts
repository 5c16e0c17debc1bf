/**
 * Half-open byte ranges [start, end) of one file: what the ranged upload's two sides agree on
 * (the agent's completed ranges, the client's missing ones; the base64 rung's ranges over several
 * SSH connections), and how a file is cut into them. Pure.
 */
export interface ByteRange {
  start: number;
  end: number;
}

const MiB = 1 << 20;
/** Files from this size go as ranges (smaller ones gain little: their transfer is mostly slow start). */
export const RANGED_MIN_BYTES = 8 * MiB;
/** Range size bounds: big enough that each range's request costs little, small enough to resume finely. */
const MIN_RANGE_BYTES = 2 * MiB;
const MAX_RANGE_BYTES = 16 * MiB;
/**
 * Ranges per file aimed at, twice the most streams 'auto' runs: a push ends with its slowest range,
 * sent by one loss-bound stream while the others idle. At 16 per file, 96 MiB went as 6 MiB ranges
 * and its last one alone took 8-13 s at ~4 Mbit/s (0.5 % loss, 40 ms); the streams the scaler
 * added found ~10 ranges left and no more to take.
 */
const RANGES_PER_FILE = 32;

/**
 * The range size for a file: a function of its size only, so every retry cuts the same grid. A
 * whole number of MiB (the base64 rung's `dd` on the node seeks in MiB blocks).
 */
export function rangeBytesFor(size: number): number {
  const aimed = Math.ceil(size / RANGES_PER_FILE / MiB) * MiB;
  return Math.min(MAX_RANGE_BYTES, Math.max(MIN_RANGE_BYTES, aimed));
}

/** Sorted, with touching or overlapping ranges joined: the one canonical form both sides keep. */
export function mergeRanges(ranges: readonly ByteRange[]): ByteRange[] {
  const sorted = ranges.filter((r) => r.end > r.start).sort((a, b) => a.start - b.start);
  const out: ByteRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

export function overlaps(a: ByteRange, b: ByteRange): boolean {
  return a.start < b.end && b.start < a.end;
}

export function coveredBytes(ranges: readonly ByteRange[]): number {
  return mergeRanges(ranges).reduce((n, r) => n + r.end - r.start, 0);
}

/** The parts of [0, total) that `done` does not cover, in order. */
export function gapsIn(done: readonly ByteRange[], total: number): ByteRange[] {
  const gaps: ByteRange[] = [];
  let at = 0;
  for (const r of mergeRanges(done)) {
    if (r.start > at) gaps.push({ start: at, end: Math.min(r.start, total) });
    at = Math.max(at, r.end);
  }
  if (at < total) gaps.push({ start: at, end: total });
  return gaps.filter((g) => g.end > g.start);
}

/**
 * The missing parts of a file cut into ranges of at most `rangeBytes`, on a grid of `rangeBytes`
 * from 0: a retry cuts the same places, so its ranges line up with those the agent kept.
 */
export function missingRanges(done: readonly ByteRange[], total: number, rangeBytes: number): ByteRange[] {
  const out: ByteRange[] = [];
  for (const gap of gapsIn(done, total)) {
    for (let start = gap.start; start < gap.end; ) {
      const gridEnd = (Math.floor(start / rangeBytes) + 1) * rangeBytes;
      const end = Math.min(gridEnd, gap.end);
      out.push({ start, end });
      start = end;
    }
  }
  return out;
}

/** `0-4194304,8388608-12582912` (half-open, merged); '' for none. */
export function formatRanges(ranges: readonly ByteRange[]): string {
  return mergeRanges(ranges).map((r) => `${r.start}-${r.end}`).join(',');
}

/** The inverse of formatRanges; undefined when any part is not `start-end` with start < end <= total. */
export function parseRanges(text: string, total: number): ByteRange[] | undefined {
  if (text.trim() === '') return [];
  const out: ByteRange[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)-(\d+)\s*$/.exec(part);
    if (!m) return undefined;
    const r = { start: Number(m[1]), end: Number(m[2]) };
    if (!isRangeOf(r, total)) return undefined;
    out.push(r);
  }
  return mergeRanges(out);
}

/** A non-empty range inside a file of `total` bytes. */
export function isRangeOf(r: ByteRange, total: number): boolean {
  return Number.isSafeInteger(r.start) && Number.isSafeInteger(r.end) && r.start >= 0 && r.start < r.end && r.end <= total;
}
