import type { BlockOutcome } from './blockValidation';
import type { TextBlock } from './documentLayout';

/**
 * Finds the blocks an edit did not touch, so their parse and diagnostics are reused. The edit is
 * whatever lies between the longest common prefix and suffix of the old and new text; a block
 * wholly inside the prefix (same offsets) or the suffix (offsets moved by the length change) has
 * the same text, and when its neighbours' shape (first, follower) is also unchanged it parses the
 * same. No hashing of block texts: a keystroke in a 5,000-host file costs two string comparisons
 * and a walk over the block list, plus parsing the one changed block.
 */
export interface SharedEnds {
  prefix: number;
  suffix: number;
  /** New length minus old length. */
  delta: number;
  oldLength: number;
  newLength: number;
}

/** Length of the common prefix (binary search on slices: each comparison is one native memcmp). */
function commonPrefix(a: string, b: string, limit: number): number {
  let lo = 0;
  let hi = limit;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (a.slice(lo, mid) === b.slice(lo, mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function commonSuffix(a: string, b: string, limit: number): number {
  let lo = 0;
  let hi = limit;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (a.slice(a.length - mid, a.length - lo) === b.slice(b.length - mid, b.length - lo)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function sharedEnds(oldText: string, newText: string): SharedEnds {
  const limit = Math.min(oldText.length, newText.length);
  const prefix = commonPrefix(oldText, newText, limit);
  const suffix = commonSuffix(oldText, newText, limit - prefix);
  return { prefix, suffix, delta: newText.length - oldText.length, oldLength: oldText.length, newLength: newText.length };
}

const sameShape = (a: TextBlock, b: TextBlock) => a.kind === b.kind && a.name === b.name && a.first === b.first && a.follower === b.follower;

/**
 * For each of `blocks`, the outcome of the same block before the edit, or undefined (parse it).
 * `oldBlocks` and `oldOutcomes` are the previous text's blocks of the same list (hosts, or sections);
 * an outcome is missing where a stopped build did not get to its block.
 * When the edit region holds many blocks (an edit in two places far apart, a replace-all), or the
 * list is short (sections), the old blocks are also looked up by text: that costs hashing them, so
 * a keystroke in a long host list skips it.
 */
export function reusedOutcomes(oldBlocks: readonly TextBlock[], oldOutcomes: ReadonlyArray<BlockOutcome | undefined>, blocks: readonly TextBlock[], ends: SharedEnds): Array<BlockOutcome | undefined> {
  const shift = blocks.length - oldBlocks.length;
  const found = blocks.map((b, i) => {
    if (b.endOffset <= ends.prefix) {
      const old = oldBlocks[i];
      return old && old.startOffset === b.startOffset && old.endOffset === b.endOffset && sameShape(old, b) ? oldOutcomes[i] : undefined;
    }
    if (b.startOffset >= ends.newLength - ends.suffix) {
      const old = oldBlocks[i - shift];
      const sameText = old && old.startOffset === b.startOffset - ends.delta && old.endOffset === b.endOffset - ends.delta;
      return sameText && sameShape(old, b) ? oldOutcomes[i - shift] : undefined;
    }
    return undefined;
  });
  const missing = found.reduce((n, o) => n + (o ? 0 : 1), 0);
  if (missing === 0 || (missing <= MANY_CHANGED && oldBlocks.length > MANY_CHANGED * 8)) return found;
  const byText = new Map<string, number[]>();
  oldBlocks.forEach((b, i) => {
    if (b.endOffset > ends.prefix && b.startOffset < ends.oldLength - ends.suffix) byText.set(b.text, [...(byText.get(b.text) ?? []), i]);
  });
  return found.map((o, i) => o ?? oldOutcomes[byText.get(blocks[i].text)?.find((j) => sameShape(oldBlocks[j], blocks[i])) ?? -1]);
}

/** More changed blocks than this and they are looked up by text as well. */
const MANY_CHANGED = 8;

/** A few recently parsed blocks by text, for edits that go back and forth (typing, undo). */
export class RecentBlocks {
  private readonly entries = new Map<string, Array<{ block: TextBlock; hostIndent: number; outcome: BlockOutcome }>>();

  constructor(private readonly capacity = 64) {}

  get(block: TextBlock, hostIndent: number): BlockOutcome | undefined {
    return this.entries.get(block.text)?.find((e) => e.hostIndent === hostIndent && sameShape(e.block, block))?.outcome;
  }

  add(block: TextBlock, hostIndent: number, outcome: BlockOutcome): void {
    const list = this.entries.get(block.text) ?? [];
    this.entries.delete(block.text);
    this.entries.set(block.text, [...list.slice(-3), { block, hostIndent, outcome }]);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
