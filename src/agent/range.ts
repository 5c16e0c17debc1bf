/** What a `Range` request header asks of a file of `size` bytes. */
export type RangeAsk =
  | { kind: 'whole' }
  | { kind: 'part'; start: number; end: number }
  | { kind: 'unsatisfiable' };

/**
 * One `bytes=` range (`a-b`, `a-`, `-n`). A header we do not take (several ranges, another unit,
 * garbage) means the whole file with 200, which RFC 9110 allows a server to send instead.
 */
export function parseRange(headerValue: string | undefined, size: number): RangeAsk {
  const m = /^bytes=(\d*)-(\d*)$/.exec((headerValue ?? '').trim());
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'whole' };
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'part', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  if (m[2] !== '' && Number(m[2]) < start) return { kind: 'whole' }; // invalid, so ignored (RFC 9110 14.1.1)
  if (start >= size) return { kind: 'unsatisfiable' };
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return { kind: 'part', start, end };
}
