/**
 * "Did you mean" suggestions for misspelt names (transport types, statuses, host names).
 * Optimal-string-alignment distance, so a swapped pair (`base46`) costs one edit, not two.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => {
    const row = new Array<number>(cols).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j < cols; j++) d[0][j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[rows - 1][cols - 1];
}

function commonPrefixLength(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/**
 * The closest candidate to `word`, or undefined when none is close enough to be a plausible typo.
 * Close enough: at most half the candidate's length in edits (min 1, max 3). Ties go to the
 * candidate sharing the longer prefix (`b64` -> `base64`, not `p2p`), then to the earlier one.
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  if (w === '' || w.length > 200) return undefined;
  let best: { name: string; distance: number; prefix: number } | undefined;
  for (const name of candidates) {
    const c = name.toLowerCase();
    if (Math.abs(c.length - w.length) > 3) continue;
    const distance = editDistance(w, c);
    const limit = Math.min(3, Math.max(1, Math.floor(c.length / 2)));
    if (distance > limit) continue;
    const prefix = commonPrefixLength(w, c);
    if (!best || distance < best.distance || (distance === best.distance && prefix > best.prefix)) {
      best = { name, distance, prefix };
    }
  }
  return best?.name;
}

/** ` (did you mean 'x'?)` or the empty string: appended to messages. */
export function didYouMeanSuffix(word: string, candidates: readonly string[]): string {
  const guess = didYouMean(word, candidates);
  return guess !== undefined && guess !== word ? ` (did you mean '${guess}'?)` : '';
}
