import { isMap, isScalar, isSeq, LineCounter, type Pair } from 'yaml';
import type { SourcePosition, SourceRange } from '../hosts/nodeSpec';
import { parseYaml, type ParsedYaml } from '../hosts/yamlDocument';

/**
 * A parse of part of the document (one block) or all of it, with the way back to document
 * positions. Blocks are parsed with a `hosts:` line in front, so a host's tree has the same path
 * (hosts -> name -> field) in a block as in the whole file; language features walk either alike.
 */
export interface YamlView {
  y: ParsedYaml;
  lines: LineCounter;
  /** The text that was parsed. */
  source: string;
  /** Document line (1-based) = line in `source` + lineShift. */
  lineShift: number;
}

export function lineCounterOf(text: string): LineCounter {
  const lc = new LineCounter();
  lc.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lc.addNewLine(i + 1);
  return lc;
}

/** A parse of `text` whose first line is document line `firstLine0 + 1`; undefined when it nests too deep. */
export function wholeView(text: string, firstLine0 = 0): YamlView | undefined {
  const y = parseYaml(text);
  if ('tooDeep' in y) return undefined;
  return { y, lines: lineCounterOf(text), source: text, lineShift: firstLine0 };
}

/** Offset in the view's source of a document position; undefined when the line is not in the view. */
export function offsetAt(view: YamlView, pos: SourcePosition): number | undefined {
  const starts = view.lines.lineStarts;
  const line = pos.line - view.lineShift;
  if (line < 1 || line > starts.length) return undefined;
  const lineEnd = line < starts.length ? starts[line] : view.source.length;
  return Math.min(starts[line - 1] + pos.column - 1, lineEnd);
}

export function positionAt(view: YamlView, offset: number): SourcePosition {
  const { line, col } = view.lines.linePos(Math.max(0, offset));
  return { line: line + view.lineShift, column: col };
}

function rangeAt(view: YamlView, start: number, end: number): SourceRange {
  return { start: positionAt(view, start), end: positionAt(view, Math.max(start, end)) };
}

/** The range of a node's value (not its trailing comments), in document positions. */
export function rangeOfNode(view: YamlView, node: unknown): SourceRange | undefined {
  const r = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return r ? rangeAt(view, r[0], r[1]) : undefined;
}

/** The text of one document line as the view holds it (without its line break). */
export function lineText(view: YamlView, line: number): string {
  const starts = view.lines.lineStarts;
  const l = line - view.lineShift;
  if (l < 1 || l > starts.length) return '';
  const end = l < starts.length ? starts[l] : view.source.length;
  return view.source.slice(starts[l - 1], end).replace(/\r?\n$/, '');
}

/** The pairs of the view's `hosts:` map (for a block: the one host, and maybe the block's stand-in). */
export function hostPairs(view: YamlView): Pair[] {
  const root = view.y.doc.contents;
  if (!isMap(root)) return [];
  const hosts = root.items.find((p) => isScalar(p.key) && p.key.value === 'hosts');
  return hosts && isMap(hosts.value) ? (hosts.value.items as Pair[]) : [];
}

/** The node at `path` (keys and indexes from the root) in the view's tree, or undefined. */
export function nodeAtPath(view: YamlView, path: ReadonlyArray<string | number>): unknown {
  let node: unknown = view.y.doc.contents;
  for (const part of path) {
    if (isMap(node)) node = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part))?.value;
    else if (isSeq(node) && typeof part === 'number') node = node.items[part];
    else return undefined;
  }
  return node;
}
