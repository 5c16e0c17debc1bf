import { isMap, isScalar, type LineCounter, type Pair } from 'yaml';
import { checkTree } from '../hosts/checkValue';
import { DiagnosticSink, START_OF_FILE, type HostsDiagnostic } from '../hosts/diagnostics';
import { HOSTS_FILE_SPEC } from '../hosts/fields';
import type { NodeSpec, SourceRange } from '../hosts/nodeSpec';
import { normaliseHost } from '../hosts/normalise';
import { checkHostReferences } from '../hosts/references';
import { EMPTY_SETTINGS } from '../hosts/settings';
import { parseYaml, type ParsedYaml } from '../hosts/yamlDocument';
import type { HostSummary } from './blockAssembly';
import type { TextBlock } from './documentLayout';
import { lineCounterOf } from './yamlView';

/**
 * One block of the hosts file (a top-level section, or one host), parsed and validated on its own
 * with the same core functions `parseHostsText` uses. A host is parsed under a `hosts:` line so
 * its paths and nesting depth are what they are in the whole file, and the block is followed by a
 * stand-in key at the indentation of what really follows it: when that stand-in does not come out
 * as a clean key of its own, something in the block (an unclosed quote or bracket) runs on into
 * the next block, and the block is reported unsupported so the caller validates the whole file.
 */
const BLOCK_END_KEY = '__ringrift_block_end__';
const BLOCK_START_KEY = '__ringrift_block_start__';

export interface ParsedBlock {
  /** The text parsed: a `hosts:` line for a host, the block, the stand-in. */
  source: string;
  /** Characters and lines of `source` before the block's own text. */
  prefixLength: number;
  prefixLines: number;
  y: ParsedYaml;
  lines: LineCounter;
  /** Diagnostics in `source` coordinates, by the phase of parseHostsText that emits them. */
  libraryErrors: HostsDiagnostic[];
  libraryWarnings: HostsDiagnostic[];
  structure: HostsDiagnostic[];
  checks: HostsDiagnostic[];
  /** For a host block: its name, where its key is (source coordinates), whether a node came out of it. */
  host?: { name: string; keyRange: SourceRange; node: NodeSpec | undefined };
  /** The host's summary in document coordinates, kept for as long as the block stays on the same lines (blockAssembly.ts). */
  summary?: HostSummary;
}

export type BlockOutcome = ParsedBlock | { unsupported: string };

const LIBRARY_CODES = new Set(['tab_indent', 'too_deep', 'multiple_documents', 'yaml_syntax', 'yaml_warning', 'too_many_errors']);
/** These need the whole file (a global cap, a document-wide message): left to the full validator. */
const WHOLE_FILE_CODES = new Set(['too_deep', 'multiple_documents', 'too_many_errors']);
/** Sections that name hosts (see references.ts): their warnings depend on the host names. */
export const REFERENCING_SECTIONS = new Set(['p2p_voters', 'sync_routing', 'elo_sync', 'auto_sync']);

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** The pairs a map node holds, or undefined when the node is not a map. */
function pairsOf(node: unknown): Pair[] | undefined {
  return isMap(node) ? (node.items as Pair[]) : undefined;
}

function isKey(pair: Pair | undefined, name: string): boolean {
  return pair !== undefined && isScalar(pair.key) && pair.key.value === name;
}

function isStandIn(pair: Pair | undefined): boolean {
  return isKey(pair, BLOCK_END_KEY) && isScalar(pair!.value) && pair!.value.value === 0;
}

/**
 * What is parsed for a block: a `hosts:` line above a host; a stand-in entry before the block
 * unless it is the first of its map (the parser treats a map's first key differently); the block;
 * a stand-in after it at the indentation of what really follows.
 */
function sourceOf(block: TextBlock, hostIndent: number): { source: string; prefix: string; prefixLines: number } {
  const pad = block.kind === 'host' ? ' '.repeat(hostIndent) : '';
  const before = block.first ? '' : `${pad}${BLOCK_START_KEY}:\n${pad}  a: 0\n`;
  const prefix = (block.kind === 'host' ? 'hosts:\n' : '') + before;
  const body = block.follower === 'end' ? block.text : withNewline(block.text);
  const after =
    block.follower === 'host' ? `${' '.repeat(hostIndent)}${BLOCK_END_KEY}: 0\n` : block.follower === 'section' ? `${BLOCK_END_KEY}: 0\n` : '';
  const prefixLines = (block.kind === 'host' ? 1 : 0) + (block.first ? 0 : 2);
  return { source: prefix + body + after, prefix, prefixLines };
}

/** `pairs` are [start stand-in?, the block's own, end stand-in?]: the own pair, or undefined. */
function middle(pairs: Pair[] | undefined, hasStart: boolean, hasEnd: boolean): Pair | undefined {
  if (!pairs || pairs.length !== 1 + (hasStart ? 1 : 0) + (hasEnd ? 1 : 0)) return undefined;
  if (hasStart && !isKey(pairs[0], BLOCK_START_KEY)) return undefined;
  if (hasEnd && !isStandIn(pairs[pairs.length - 1])) return undefined;
  return pairs[hasStart ? 1 : 0];
}

/** The block's own pair, when the parse kept the block apart from the stand-ins; else why not. */
function ownPair(block: TextBlock, y: ParsedYaml): Pair | string {
  const isSection = block.kind === 'section';
  const own = middle(pairsOf(y.doc.contents), isSection && !block.first, block.follower === 'section');
  if (!own) return 'the block runs on into the next section';
  if (isSection) return isKey(own, block.name) ? own : 'the section key reads differently';
  if (!isKey(own, 'hosts')) return 'the hosts key reads differently';
  const host = middle(pairsOf(own.value), !block.first, block.follower === 'host');
  if (!host) return 'the host runs on into the next one';
  return isKey(host, block.name) ? host : 'the host name reads differently (not a plain string)';
}

export function validateBlock(block: TextBlock, hostIndent: number, homedir: string): BlockOutcome {
  const { source, prefix, prefixLines } = sourceOf(block, hostIndent);
  let parsed: ReturnType<typeof parseYaml>;
  try {
    parsed = parseYaml(source);
  } catch {
    return { unsupported: 'the parser gave up on this block' };
  }
  if ('tooDeep' in parsed) return { unsupported: 'nesting too deep' };
  const y = parsed;
  if (y.aliases.size > 0) return { unsupported: 'aliases may point into other blocks' };
  const early = [...y.sink.diagnostics];
  if (early.some((d) => WHOLE_FILE_CODES.has(d.code))) return { unsupported: 'a whole-file YAML problem' };
  const pair = ownPair(block, y);
  if (typeof pair === 'string') return { unsupported: pair };
  const lines = lineCounterOf(source);
  const standInLine = block.follower === 'end' ? Infinity : lines.lineStarts.length - 1;
  if (early.some((d) => d.range.start.line <= prefixLines || d.range.start.line >= standInLine || d.range.end.line >= standInLine)) {
    return { unsupported: 'a YAML problem reaches past the block' };
  }
  const result: ParsedBlock = {
    source,
    prefixLength: prefix.length,
    prefixLines,
    y,
    lines,
    libraryErrors: early.filter((d) => LIBRARY_CODES.has(d.code) && d.severity === 'error'),
    libraryWarnings: early.filter((d) => LIBRARY_CODES.has(d.code) && d.severity !== 'error'),
    structure: early.filter((d) => !LIBRARY_CODES.has(d.code)),
    checks: [],
  };
  const before = y.sink.diagnostics.length;
  try {
    if (block.kind === 'host') {
      const name = String((pair.key as { value: unknown }).value);
      const node = normaliseHost(name, pair.key as never, pair.value ?? null, y, EMPTY_SETTINGS, { homedir });
      result.host = { name, keyRange: y.sink.rangeOf(pair.key as never), node };
    } else {
      // The same lookup readHosts does, so both treat every section name alike.
      const spec = HOSTS_FILE_SPEC.fields[block.name];
      if (block.name !== 'hosts' && spec) checkTree(pair.value ?? null, spec, [block.name], y, true, pair.key, START_OF_FILE);
    }
  } catch {
    return { unsupported: 'validation of this block failed' };
  }
  result.checks = y.sink.diagnostics.slice(before);
  return result;
}

/** Warnings for host names in this section that name no host; `names`: hosts that became nodes. */
export function referenceWarnings(parsed: ParsedBlock, names: ReadonlySet<string>): HostsDiagnostic[] {
  const y: ParsedYaml = { ...parsed.y, sink: new DiagnosticSink(parsed.lines) };
  checkHostReferences(y.doc.contents, names, y);
  return y.sink.diagnostics;
}

/**
 * A diagnostic moved from block coordinates to the document's: `lineShift` lines down. A duplicate
 * key's message names the first definition's line, so that number moves with it.
 */
export function shiftDiagnostic(d: HostsDiagnostic, lineShift: number): HostsDiagnostic {
  if (lineShift === 0) return d;
  const move = (r: SourceRange): SourceRange => ({
    start: { line: r.start.line + lineShift, column: r.start.column },
    end: { line: r.end.line + lineShift, column: r.end.column },
  });
  const out: HostsDiagnostic = { ...d, range: move(d.range) };
  if (d.related) {
    const first = d.related.range.start;
    out.related = { ...d.related, range: move(d.related.range) };
    out.message = d.message.replace(`first at line ${first.line}, column ${first.column}`, `first at line ${first.line + lineShift}, column ${first.column}`);
  }
  return out;
}
