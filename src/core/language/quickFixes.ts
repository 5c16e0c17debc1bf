import { isMap, isScalar, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import type { HostsDiagnostic } from '../hosts/diagnostics';
import { didYouMean } from '../hosts/didYouMean';
import { TRANSPORT_TYPE_WORDS } from '../hosts/fields';
import { NODE_STATUSES, type SourceRange } from '../hosts/nodeSpec';
import { defaultTransportsLines, hostFacts, pairNamed } from './hostFacts';
import type { HostsDocument } from './hostsDocument';
import { lineText, nodeAtPath, rangeOfNode, type YamlView } from './yamlView';

/**
 * Fixes as plain text edits on the document: did-you-mean for a misspelt transport type, status
 * or host name; renumbering a host's priorities; moving a last_resort step last; removing a
 * duplicate; writing out a host's default `transports:` block.
 */
interface TextEdit {
  range: SourceRange;
  newText: string;
}

export interface QuickFix {
  title: string;
  edits: TextEdit[];
  /** The diagnostic it fixes; none for a refactoring offered on a host. */
  diagnostic?: HostsDiagnostic;
  /** The one fix an editor may apply on its own (did-you-mean). */
  preferred?: boolean;
}

const overlaps = (a: SourceRange, b: SourceRange) =>
  !(a.end.line < b.start.line || (a.end.line === b.start.line && a.end.column < b.start.column) || b.end.line < a.start.line || (b.end.line === a.start.line && b.end.column < a.start.column));

const point = (line: number, column: number) => ({ line, column });

function replace(d: HostsDiagnostic, word: string | undefined, known: readonly string[]): QuickFix[] {
  const guess = word === undefined ? undefined : didYouMean(word, known);
  return guess === undefined || guess === word ? [] : [{ title: `Change '${word}' to '${guess}'`, edits: [{ range: d.range, newText: guess }], diagnostic: d, preferred: true }];
}

/** Last line (document numbering) of the entry whose key or `- ` starts at `line`, `column`: the lines indented deeper. */
function entryEnd(view: YamlView, line: number, column: number): number {
  const lastLine = view.lines.lineStarts.length + view.lineShift;
  let end = line;
  for (let l = line + 1; l <= lastLine; l++) {
    const text = lineText(view, l);
    const content = text.search(/[^ ]/);
    if (content === -1 || text[content] === '#' || text[content] === '\r') continue;
    if (content < column) break;
    end = l;
  }
  return end;
}

function removeLines(view: YamlView, line: number, column: number): TextEdit {
  return { range: { start: point(line, 1), end: point(entryEnd(view, line, column) + 1, 1) }, newText: '' };
}

interface Step {
  node: YAMLMap;
  index: number;
  priority: number | undefined;
  lastResort: boolean;
}

function stepsOf(seq: YAMLSeq): Step[] {
  return seq.items.flatMap((node, index) => {
    if (!isMap(node)) return [];
    const p = pairNamed(node, 'priority')?.value;
    const priority = isScalar(p) && typeof p.value === 'number' ? p.value : undefined;
    const lr = pairNamed(node, 'last_resort')?.value;
    return [{ node, index, priority, lastResort: isScalar(lr) && lr.value === true }];
  });
}

/** Sets step priorities; a step without one gets a `priority:` line after its first line. */
function priorityEdits(view: YamlView, assign: Array<{ step: Step; priority: number }>): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const { step, priority } of assign) {
    const value = pairNamed(step.node, 'priority')?.value;
    const range = rangeOfNode(view, value);
    if (range && isScalar(value)) {
      if (value.value !== priority) edits.push({ range, newText: String(priority) });
      continue;
    }
    const first = rangeOfNode(view, step.node.items[0]?.key);
    if (!first) continue;
    const end = point(first.start.line, lineText(view, first.start.line).length + 1);
    edits.push({ range: { start: end, end }, newText: `\n${' '.repeat(first.start.column - 1)}priority: ${priority}` });
  }
  return edits;
}

function chainFixes(view: YamlView, d: HostsDiagnostic): QuickFix[] {
  const host = String(d.path[1]);
  const seq = nodeAtPath(view, ['hosts', host, 'transports']);
  if (!isSeq(seq)) return [];
  const steps = stepsOf(seq);
  const byPriority = [...steps].sort((a, b) => (a.priority ?? Infinity) - (b.priority ?? Infinity) || a.index - b.index);
  const ordered = [...byPriority.filter((s) => !s.lastResort), ...byPriority.filter((s) => s.lastResort)];
  const fixes: QuickFix[] = [];
  const renumber = priorityEdits(view, ordered.map((step, i) => ({ step, priority: i + 1 })));
  if (renumber.length > 0) fixes.push({ title: `Renumber the priorities of host '${host}' (1, 2, 3, ... in chain order)`, edits: renumber, diagnostic: d });
  if (d.code === 'last_resort_not_last') {
    const step = steps.find((s) => s.index === d.path[3]);
    const others = steps.filter((s) => s !== step && s.priority !== undefined).map((s) => s.priority!);
    if (step) {
      const edits = priorityEdits(view, [{ step, priority: (others.length ? Math.max(...others) : 0) + 1 }]);
      fixes.unshift({ title: `Move the last_resort step last (priority ${(others.length ? Math.max(...others) : 0) + 1})`, edits, diagnostic: d, preferred: true });
    }
  }
  return fixes;
}

function fixesFor(doc: HostsDocument, d: HostsDiagnostic): QuickFix[] {
  const view = doc.viewAt(d.range.start.line);
  if (!view) return [];
  const node = nodeAtPath(view, d.path);
  const word = isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
  switch (d.code) {
    case 'unknown_transport':
      return replace(d, word, TRANSPORT_TYPE_WORDS);
    case 'unknown_status':
      return replace(d, word, NODE_STATUSES);
    case 'unknown_host_reference':
      return replace(d, word, doc.hosts.filter((h) => h.node && !h.duplicate).map((h) => h.name));
    case 'duplicate_priority':
    case 'last_resort_not_last':
      return chainFixes(view, d);
    case 'duplicate_host':
      return [{ title: `Remove this second definition of host '${String(d.path[1])}'`, edits: [removeLines(view, d.range.start.line, d.range.start.column)], diagnostic: d }];
    case 'duplicate_key':
      return [{ title: `Remove this repeated '${String(d.path[d.path.length - 1])}'`, edits: [removeLines(view, d.range.start.line, d.range.start.column)], diagnostic: d }];
    case 'duplicate_transport':
    case 'p2p_disabled_in_chain':
    case 'http_without_port': {
      const item = nodeAtPath(view, d.path.slice(0, -1));
      const start = rangeOfNode(view, item)?.start;
      if (!start) return [];
      const dash = lineText(view, start.line).lastIndexOf('-', start.column - 2) + 1;
      return dash > 0 ? [{ title: `Remove transports[${String(d.path[3])}]`, edits: [removeLines(view, start.line, dash)], diagnostic: d }] : [];
    }
    default:
      return [];
  }
}

/** Writes out the default chain for the host whose lines hold `at`, when it has no `transports:`. */
function addTransportsFix(doc: HostsDocument, at: SourceRange): QuickFix[] {
  const summary = doc.hosts.find((h) => !h.duplicate && h.firstLine <= at.start.line && at.start.line <= h.lastLine);
  const view = summary && doc.viewAt(summary.keyRange.start.line);
  const host = view && nodeAtPath(view, ['hosts', summary.name]);
  if (!summary || !view || !isMap(host) || host.items.length === 0 || pairNamed(host, 'transports')) return [];
  const firstKey = rangeOfNode(view, host.items[0].key);
  const hostKey = summary.keyRange;
  if (!firstKey || firstKey.start.line === hostKey.start.line) return []; // a flow map: {ssh_host: ...}
  const indent = ' '.repeat(firstKey.start.column - 1);
  const unit = ' '.repeat(Math.max(2, firstKey.start.column - hostKey.start.column));
  const last = entryEnd(view, hostKey.start.line, hostKey.start.column);
  const end = point(last, lineText(view, last).length + 1);
  const text = defaultTransportsLines(hostFacts(host), unit).map((l) => `\n${indent}${l}`).join('');
  return [{ title: `Add the default transports: block to host '${summary.name}'`, edits: [{ range: { start: end, end }, newText: text }] }];
}

/** Every fix for the diagnostics that touch `range`, then refactorings for the host there. */
export function quickFixesAt(doc: HostsDocument, range: SourceRange): QuickFix[] {
  const fixes = doc.diagnostics.filter((d) => overlaps(d.range, range)).flatMap((d) => fixesFor(doc, d));
  return [...fixes, ...addTransportsFix(doc, range)];
}


