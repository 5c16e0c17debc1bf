import { LineCounter, Pair, YAMLMap, YAMLSeq, type Scalar } from 'yaml';
import { keyAt, lineValue, plainScalar, schemaOfComposer, type TagCache } from './commonScalars';

/**
 * A fast reader for the shape nearly every hosts file has: block maps and lists, one-line plain
 * or quoted scalars, one-line flow lists, comments and blank lines. It builds the very tree the
 * `yaml` composer builds (same classes, values and ranges, including where trailing comment lines
 * end a node), three to four times faster, because it never builds the library's token tree.
 * Anything else (anchors, aliases, `<<`, tags, multi-line or escaped scalars, flow maps, odd
 * indentation, anything the library would warn about) answers `undefined`, and the caller uses
 * the library, so no result ever depends on this reader knowing more YAML than it does.
 * test/unit/core/hosts/commonYaml.test.ts compares both trees on real, fixture and fuzzed files.
 */
const SPACE = 32;
const HASH = 35;
const DASH = 45;

/** Characters and line starts this reader leaves to the library (controls, other line breaks, BOM, document markers). */
const UNUSUAL_TEXT = /[\x00-\x09\x0b-\x1f\x7f\x85\u2028\u2029\ufeff]|^(?:---|\.\.\.)/m;
/** Deeper nesting goes to the library, which caps it with a diagnostic (a hosts file nests under 10). */
const MAX_DEPTH = 50;

interface Open {
  node: YAMLMap | YAMLSeq;
  /** Column of the keys, or of the `-`. */
  indent: number;
  start: number;
}

/** A blank line (indent -1) or a comment line since the last content line. */
interface GapLine {
  indent: number;
  end: number;
}

interface Reader {
  text: string;
  cache: TagCache;
  stack: Open[];
  root?: YAMLMap;
  /** The top map's last key, written `key:` with its value (if any) still to come. */
  pending?: { pair: Pair; emptyAt: number; comment: boolean };
  /** The scalar or flow list that ended the last content line, and the indent of its collection. */
  openEnd?: { node: Scalar | YAMLSeq; indent: number };
  gap: GapLine[];
}

export function parseCommonYaml(text: string): { contents: YAMLMap; lines: LineCounter } | undefined {
  if (UNUSUAL_TEXT.test(text)) return undefined;
  const lines = new LineCounter();
  lines.addNewLine(0);
  const r: Reader = { text, cache: new Map(), stack: [], gap: [] };
  for (let at = 0; at < text.length; ) {
    const nl = text.indexOf('\n', at);
    const lineEnd = nl === -1 ? text.length : nl;
    const next = nl === -1 ? text.length : nl + 1;
    if (nl !== -1) lines.addNewLine(next);
    let i = at;
    while (text.charCodeAt(i) === SPACE) i++;
    if (i === lineEnd) r.gap.push({ indent: -1, end: next });
    else if (text.charCodeAt(i) === HASH) r.gap.push({ indent: i - at, end: next });
    else if (!contentLine(r, i - at, i, lineEnd, next)) return undefined;
    at = next;
  }
  if (!closeGap(r, -1, false, text.length) || !r.root) return undefined;
  return { contents: r.root, lines };
}

function contentLine(r: Reader, indent: number, at: number, lineEnd: number, next: number): boolean {
  const isItem = r.text.charCodeAt(at) === DASH && (at + 1 === lineEnd || r.text.charCodeAt(at + 1) === SPACE);
  if (!closeGap(r, indent, isItem, at)) return false;
  if (isItem) return seqItem(r, indent, at, lineEnd, next);
  if (!r.root) {
    if (indent !== 0) return false;
    r.root = new YAMLMap(schemaOfComposer);
    r.stack.push({ node: r.root, indent: 0, start: at });
  } else if (!enterMap(r, indent, at)) return false;
  return mapEntry(r, at, lineEnd, next);
}

/** A key at `indent`: the next key of the top map, or the first of a map nested under `key:`. */
function enterMap(r: Reader, indent: number, at: number): boolean {
  const top = r.stack[r.stack.length - 1];
  if (!r.pending) return top.node instanceof YAMLMap && top.indent === indent;
  return nest(r, new YAMLMap(schemaOfComposer), indent, at);
}

function nest(r: Reader, node: YAMLMap | YAMLSeq, indent: number, at: number): boolean {
  if (r.stack.length >= MAX_DEPTH) return false;
  r.pending!.pair.value = node;
  r.pending = undefined;
  r.stack.push({ node, indent, start: at });
  return true;
}

/** `- value` or `- key: value` (a map whose keys are at the column after the dash). */
function seqItem(r: Reader, indent: number, at: number, lineEnd: number, next: number): boolean {
  const top = r.stack[r.stack.length - 1];
  if (r.pending) {
    if (!nest(r, new YAMLSeq(schemaOfComposer), indent, at)) return false;
  } else if (!(top?.node instanceof YAMLSeq && top.indent === indent)) return false;
  const seq = r.stack[r.stack.length - 1];
  let i = at + 1;
  while (r.text.charCodeAt(i) === SPACE) i++;
  if (i >= lineEnd || r.text.charCodeAt(i) === HASH) return false; // an empty item
  if (keyAt(r.text, i, lineEnd, r.cache)) {
    if (r.stack.length >= MAX_DEPTH) return false;
    const map = new YAMLMap(schemaOfComposer);
    (seq.node as YAMLSeq).items.push(map);
    r.stack.push({ node: map, indent: indent + (i - at), start: i });
    return mapEntry(r, i, lineEnd, next);
  }
  const value = lineValue(r.text, i, lineEnd, r.cache);
  if (!value) return false;
  value.node.range![2] = next;
  (seq.node as YAMLSeq).items.push(value.node);
  r.openEnd = { node: value.node, indent };
  return true;
}

/** `key: value` or `key:` into the top map. */
function mapEntry(r: Reader, at: number, lineEnd: number, next: number): boolean {
  const map = r.stack[r.stack.length - 1].node as YAMLMap;
  const key = keyAt(r.text, at, lineEnd, r.cache);
  if (!key) return false;
  let i = key.colon + 1;
  while (r.text.charCodeAt(i) === SPACE) i++;
  const pair = new Pair(key.node);
  map.items.push(pair);
  if (i >= lineEnd || r.text.charCodeAt(i) === HASH) {
    r.pending = { pair, emptyAt: i, comment: i < lineEnd };
    return true;
  }
  const value = lineValue(r.text, i, lineEnd, r.cache);
  if (!value) return false;
  value.node.range![2] = next;
  pair.value = value.node;
  r.openEnd = { node: value.node, indent: r.stack[r.stack.length - 1].indent };
  return true;
}

/**
 * Before the content line at `indent` (-1: the end of the text): gives a `key:` left without a
 * value its empty value, lets comment lines extend nodes as the library's parser does, and closes
 * the collections the line is not part of.
 */
function closeGap(r: Reader, indent: number, isItem: boolean, at: number): boolean {
  const top = r.stack[r.stack.length - 1];
  if (r.pending) {
    if (indent > top.indent || (isItem && indent === top.indent)) {
      r.gap = [];
      return true; // the value comes next: the comments between belong to nothing we keep
    }
    // The library keeps such comments on the empty value (and moves its end): not worth imitating.
    if (r.pending.comment || r.gap.some((g) => g.indent >= 0)) return false;
    r.pending.pair.value = plainScalar(r.text, r.pending.emptyAt, r.pending.emptyAt, r.cache);
    r.pending = undefined;
  }
  const trailing = r.gap.length === 0 ? [] : absorbComments(r);
  while (r.stack.length > 0) {
    const open = r.stack[r.stack.length - 1];
    const ends = open.indent > indent || (open.indent === indent && open.node instanceof YAMLSeq && !isItem);
    if (!ends) break;
    // The library's parser moves trailing comments up to the parent unless one is indented at or past this collection.
    const keeps = trailing.length > 0 && open.indent !== 0 && trailing.some((c) => c >= open.indent);
    close(open, keeps ? at : undefined);
    if (keeps) trailing.length = 0;
    r.stack.pop();
  }
  r.gap = [];
  r.openEnd = undefined;
  return true;
}

/**
 * Comment lines indented deeper than the collection of the value above them, with only blank
 * lines between, belong to that value's end (its range[2]). Answers the indents of the comment
 * lines left over.
 */
function absorbComments(r: Reader): number[] {
  const left: number[] = [];
  let absorbing = r.openEnd !== undefined;
  for (const line of r.gap) {
    if (line.indent < 0) continue;
    if (absorbing && line.indent > r.openEnd!.indent) r.openEnd!.node.range![2] = line.end;
    else {
      absorbing = false;
      left.push(line.indent);
    }
  }
  return left;
}

/** range: from the first item, to the end of the last item's value, then past the comments it keeps. */
function close(open: Open, commentEnd: number | undefined): void {
  const items = open.node.items as Array<Pair | Scalar | YAMLMap | YAMLSeq>;
  const last = items[items.length - 1];
  const lastNode = (last instanceof Pair ? last.value : last) as { range: [number, number, number] };
  const end = lastNode.range[2];
  open.node.range = [open.start, end, commentEnd ?? end];
}
