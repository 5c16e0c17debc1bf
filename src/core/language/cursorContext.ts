import { isCollection, isMap, isScalar, isSeq, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { DiagnosticPath } from '../hosts/diagnostics';
import type { SourcePosition, SourceRange } from '../hosts/nodeSpec';
import { offsetAt, positionAt, type YamlView } from './yamlView';

/**
 * Where the cursor is in the YAML tree: which map's key or which key's value is being typed.
 * The tree decides the place (a key three levels down is `hosts.NAME.transports[1].type`
 * whatever the line looks like); the line's indentation decides only between the enclosing
 * collections when the cursor sits on a line that has no node yet (a blank line, a bare `- `).
 */
export interface CursorContext {
  view: YamlView;
  /** The cursor's offset in the view's source. */
  offset: number;
  /**
   * `key`: a key of the map at `path` is being typed (`map` holds its present keys, when it exists).
   * `value`: the value at `path` (ending with its key, or its index in a list) is being typed.
   * `item`: a new item of the list at `path` goes here (the line has no `- ` yet).
   */
  kind: 'key' | 'value' | 'item';
  path: DiagnosticPath;
  map?: YAMLMap;
  /** The word at the cursor and its range (empty at a blank spot). */
  word: string;
  wordRange: SourceRange;
}

interface LineFacts {
  line: number;
  /** 1-based column of the cursor, and of the line's content after any `- ` markers. */
  column: number;
  contentColumn: number;
  /** Column of the last `- ` marker before the content, when the line starts a list item. */
  dashColumn?: number;
}

const WORD_CHAR = /[\w.@~/-]/;

function lineFacts(view: YamlView, offset: number): LineFacts {
  const { line, col } = view.lines.linePos(offset);
  const start = view.lines.lineStarts[line - 1] ?? 0;
  const before = view.source.slice(start, offset);
  const lead = /^( *)((?:- +)*)/.exec(before)!;
  const dashes = lead[2];
  const dashColumn = dashes ? lead[1].length + dashes.lastIndexOf('-', dashes.length - 1) + 1 : undefined;
  return { line, column: col, contentColumn: lead[0].length + 1, dashColumn };
}

function wordAround(view: YamlView, offset: number): { word: string; range: SourceRange } {
  const src = view.source;
  let a = offset;
  while (a > 0 && WORD_CHAR.test(src[a - 1])) a--;
  let b = offset;
  while (b < src.length && WORD_CHAR.test(src[b])) b++;
  return { word: src.slice(a, offset), range: { start: positionAt(view, a), end: positionAt(view, b) } };
}

const lineOf = (view: YamlView, offset: number) => view.lines.linePos(offset).line;
const columnOf = (view: YamlView, offset: number) => view.lines.linePos(offset).col;
const startOf = (node: unknown) => (node as { range?: [number, number, number] } | null)?.range?.[0];
const endOf = (node: unknown) => (node as { range?: [number, number, number] } | null)?.range?.[1];

/** The last of `items` that starts at or before `offset`. */
function lastBefore<T>(items: readonly T[], offset: number, start: (item: T) => number | undefined): { item: T; index: number } | undefined {
  for (let i = items.length - 1; i >= 0; i--) {
    const s = start(items[i]);
    if (s !== undefined && s <= offset) return { item: items[i], index: i };
  }
  return undefined;
}

type Found = Omit<CursorContext, 'view' | 'offset' | 'word' | 'wordRange'>;

function inMap(view: YamlView, map: YAMLMap, path: DiagnosticPath, offset: number, at: LineFacts): Found | { descend: unknown; path: DiagnosticPath } {
  const mapColumn = map.items.length > 0 && startOf(map.items[0].key) !== undefined ? columnOf(view, startOf(map.items[0].key)!) : at.contentColumn;
  const found = lastBefore(map.items as Pair[], offset, (p) => startOf(p.key));
  if (!found || !isScalar(found.item.key)) return { kind: 'key', path, map };
  const { key, value } = found.item;
  const keyPath = [...path, String((key as { value: unknown }).value)];
  const keyStart = startOf(key)!;
  if (lineOf(view, keyStart) === at.line && at.contentColumn <= columnOf(view, keyStart)) {
    // On this key's own line: still in the key, or past its colon.
    return offset <= endOf(key)! ? { kind: 'key', path, map } : { kind: 'value', path: keyPath };
  }
  if (at.contentColumn <= mapColumn) return { kind: 'key', path, map };
  if (isCollection(value) && startOf(value) !== undefined && lineOf(view, startOf(value)!) !== lineOf(view, keyStart)) {
    return { descend: value, path: keyPath };
  }
  // Deeper than this map's keys under a key with no block below it yet: the start of that block.
  if (at.dashColumn !== undefined) return { kind: 'value', path: [...keyPath, 0] };
  return { kind: 'key', path: keyPath };
}

function inSeq(view: YamlView, seq: YAMLSeq, path: DiagnosticPath, offset: number, at: LineFacts): Found | { descend: unknown; path: DiagnosticPath } {
  const seqColumn = startOf(seq) !== undefined ? columnOf(view, startOf(seq)!) : at.contentColumn;
  const found = lastBefore(seq.items, offset, (item) => startOf(item));
  const onItemLine = at.dashColumn === seqColumn;
  if (onItemLine) {
    const index = found && lineOf(view, startOf(found.item)!) === at.line ? found.index : nextIndex(seq, offset);
    const item = found && found.index === index ? found.item : undefined;
    if (isMap(item)) return { descend: item, path: [...path, index] };
    return { kind: 'value', path: [...path, index] };
  }
  if (found && at.contentColumn > seqColumn && isCollection(found.item)) return { descend: found.item, path: [...path, found.index] };
  if (found && at.contentColumn > seqColumn) return { kind: 'key', path: [...path, found.index] };
  return { kind: 'item', path };
}

function nextIndex(seq: YAMLSeq, offset: number): number {
  const i = seq.items.findIndex((item) => (startOf(item) ?? Infinity) > offset);
  return i === -1 ? seq.items.length : i;
}

/** The cursor context at a document position, in a view that holds that line. */
export function cursorContext(view: YamlView, position: SourcePosition): CursorContext | undefined {
  const offset = offsetAt(view, position);
  if (offset === undefined) return undefined;
  const at = lineFacts(view, offset);
  const { word, range } = wordAround(view, offset);
  let node: unknown = view.y.doc.contents;
  let path: DiagnosticPath = [];
  for (let depth = 0; depth < 64; depth++) {
    const step = isMap(node) ? inMap(view, node, path, offset, at) : isSeq(node) ? inSeq(view, node, path, offset, at) : undefined;
    if (!step) return { view, offset, kind: path.length === 0 ? 'key' : 'value', path, word, wordRange: range };
    if ('descend' in step) {
      node = step.descend;
      path = step.path;
      continue;
    }
    return { view, offset, ...step, word, wordRange: range };
  }
  return undefined;
}
