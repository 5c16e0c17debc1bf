import { isScalar } from 'yaml';
import type { HostsDiagnostic } from '../hosts/diagnostics';
import type { NodeSpec, SourceRange } from '../hosts/nodeSpec';
import { REFERENCING_SECTIONS, referenceWarnings, shiftDiagnostic, type ParsedBlock } from './blockValidation';
import type { DocumentLayout, TextBlock } from './documentLayout';
import { hostPairs, rangeOfNode, type YamlView } from './yamlView';

/**
 * The document's diagnostics from its blocks' and the checks that need all blocks (repeated host
 * names, host names other sections mention), in the order parseHostsText emits them: YAML
 * errors, YAML warnings, structure (duplicates), section checks, host checks, references; then by
 * position. The order matters only for ties at one position, and there it matches too.
 */
export interface HostSummary {
  name: string;
  /** The host's key in the document. */
  keyRange: SourceRange;
  /** The host as the rest of the product sees it; undefined when its value is not a map of fields. */
  node: NodeSpec | undefined;
  /** A later definition of a name already defined: YAML readers drop it. */
  duplicate: boolean;
  /** 1-based document lines the host's block spans (comments after it included). */
  firstLine: number;
  lastLine: number;
}

export interface BlocksState {
  layout: DocumentLayout;
  sections: Array<ParsedBlock | undefined>;
  hosts: ParsedBlock[];
}

/** Same order as parseHostsText: by position, emission order for ties. */
function byPosition(a: HostsDiagnostic, b: HostsDiagnostic): number {
  return a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column;
}

/** The full validator shows at most this many YAML problems (yamlDocument.ts); more: whole-text mode. */
const MAX_LIBRARY_PROBLEMS = 25;

export function lineShiftOf(block: TextBlock, parsed: ParsedBlock): number {
  return block.startLine - parsed.prefixLines;
}

function addShifted(to: HostsDiagnostic[], from: readonly HostsDiagnostic[], shift: number): void {
  for (let i = 0; i < from.length; i++) to.push(shiftDiagnostic(from[i], shift));
}

/**
 * Which host names repeat and which name nodes. Typing rarely changes a host's name, so the index
 * of the previous text is kept and reused while every name (and whether it is a node) is the same.
 */
export interface NameIndex {
  names: string[];
  isNode: boolean[];
  /** For each host, the index of the first host of its name (itself unless repeated). */
  firstOf: number[];
  nodeNames: Set<string>;
}

function nameIndex(hosts: readonly ParsedBlock[], previous: NameIndex | undefined): NameIndex {
  const same = previous && previous.names.length === hosts.length && hosts.every((h, i) => h.host!.name === previous.names[i] && (h.host!.node !== undefined) === previous.isNode[i]);
  if (same) return previous;
  const index: NameIndex = { names: [], isNode: [], firstOf: [], nodeNames: new Set() };
  const first = new Map<string, number>();
  hosts.forEach((h, i) => {
    const name = h.host!.name;
    const isNode = h.host!.node !== undefined;
    const earlier = first.get(name);
    index.names.push(name);
    index.isNode.push(isNode);
    index.firstOf.push(earlier ?? i);
    if (earlier === undefined) {
      first.set(name, i);
      if (isNode) index.nodeNames.add(name);
    }
  });
  return index;
}

/** The document's diagnostics from the blocks' (in parseHostsText's emission order), plus the checks across blocks. */
export function assemble(state: BlocksState, previousNames?: NameIndex): { state: BlocksState; diagnostics: HostsDiagnostic[]; summaries: HostSummary[]; names: NameIndex } | string {
  const { layout, sections, hosts } = state;
  const names = nameIndex(hosts, previousNames);
  const { firstOf, nodeNames } = names;
  const libraryErrors: HostsDiagnostic[] = [];
  const libraryWarnings: HostsDiagnostic[] = [];
  const structure: HostsDiagnostic[] = [];
  const sectionChecks: HostsDiagnostic[] = [];
  const hostChecks: HostsDiagnostic[] = [];
  const hostSummaries: HostSummary[] = new Array(hosts.length);
  for (let k = 0; k < layout.sections.length; k++) {
    if (k !== layout.hostsSection) {
      const parsed = sections[k]!;
      const shift = lineShiftOf(layout.sections[k], parsed);
      addShifted(libraryErrors, parsed.libraryErrors, shift);
      addShifted(libraryWarnings, parsed.libraryWarnings, shift);
      addShifted(structure, parsed.structure, shift);
      addShifted(sectionChecks, parsed.checks, shift);
      continue;
    }
    // A keystroke walks this loop for every host: nothing allocated for a host with no diagnostics.
    for (let i = 0; i < hosts.length; i++) {
      const parsed = hosts[i];
      const block = layout.hosts[i];
      const shift = lineShiftOf(block, parsed);
      const earlier = firstOf[i];
      const summary = summaryOf(block, parsed, shift, earlier !== i);
      hostSummaries[i] = summary;
      if (parsed.libraryErrors.length > 0) addShifted(libraryErrors, parsed.libraryErrors, shift);
      if (parsed.libraryWarnings.length > 0) addShifted(libraryWarnings, parsed.libraryWarnings, shift);
      if (earlier !== i) {
        // The whole-file parse drops a repeated host before checking it: only its YAML problems remain.
        structure.push(duplicateHost(summary.name, summary.keyRange, hostSummaries[earlier].keyRange));
        continue;
      }
      if (parsed.structure.length > 0) addShifted(structure, parsed.structure, shift);
      if (parsed.checks.length > 0) addShifted(hostChecks, parsed.checks, shift);
    }
  }
  if (libraryErrors.length + libraryWarnings.length > MAX_LIBRARY_PROBLEMS) return 'too many YAML problems to show them all';
  const references: HostsDiagnostic[] = [];
  layout.sections.forEach((section, k) => {
    const parsed = sections[k];
    if (parsed && REFERENCING_SECTIONS.has(section.name)) addShifted(references, referenceWarnings(parsed, nodeNames), lineShiftOf(section, parsed));
  });
  const diagnostics = [...libraryErrors, ...libraryWarnings, ...structure, ...sectionChecks, ...hostChecks, ...references].sort(byPosition);
  return { state, diagnostics, summaries: hostSummaries, names };
}

/** A host's summary is kept on its parse and made again only when the block moved lines (most edits do not). */
function summaryOf(block: TextBlock, parsed: ParsedBlock, shift: number, duplicate: boolean): HostSummary {
  const kept = parsed.summary;
  if (kept && kept.firstLine === block.startLine + 1 && kept.lastLine === block.endLine && kept.duplicate === duplicate) return kept;
  const summary: HostSummary = {
    name: parsed.host!.name,
    keyRange: shiftDiagnostic({ range: parsed.host!.keyRange } as HostsDiagnostic, shift).range,
    node: parsed.host!.node,
    duplicate,
    firstLine: block.startLine + 1,
    lastLine: block.endLine,
  };
  parsed.summary = summary;
  return summary;
}

/** The message yamlDocument.ts gives a repeated host (the equality tests hold the two together). */
function duplicateHost(name: string, range: SourceRange, firstRange: SourceRange): HostsDiagnostic {
  const at = `line ${firstRange.start.line}, column ${firstRange.start.column}`;
  const message = `host '${name}' is defined twice (first at ${at}); the first definition is used: rename or remove one`;
  return { severity: 'error', code: 'duplicate_host', path: ['hosts', name], range, message, related: { message: 'first definition', range: firstRange } };
}

/** Whole-text mode: the hosts as the parse kept them (a repeated name was already dropped). */
export function summariesOf(view: YamlView | undefined, nodes: ReadonlyMap<string, NodeSpec>): HostSummary[] {
  if (!view) return [];
  const pairs = hostPairs(view).filter((p) => isScalar(p.key) && p.key.value !== null && p.key.value !== '');
  return pairs.map((p, i) => {
    const keyRange = rangeOfNode(view, p.key)!;
    const nextKey = pairs[i + 1] ? rangeOfNode(view, pairs[i + 1].key) : undefined;
    const valueEnd = rangeOfNode(view, p.value)?.end.line ?? keyRange.end.line;
    const name = String((p.key as { value: unknown }).value);
    return {
      name,
      keyRange,
      node: nodes.get(name),
      duplicate: false,
      firstLine: keyRange.start.line,
      lastLine: nextKey ? nextKey.start.line - 1 : valueEnd,
    };
  });
}
