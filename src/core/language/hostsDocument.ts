import { isMap, isScalar } from 'yaml';
import type { HostsDiagnostic } from '../hosts/diagnostics';
import type { NodeSpec } from '../hosts/nodeSpec';
import { parseHostsText } from '../hosts/parseHostsText';
import { assemble, lineShiftOf, summariesOf, type BlocksState, type HostSummary, type NameIndex } from './blockAssembly';
import { validateBlock, type BlockOutcome, type ParsedBlock } from './blockValidation';
import { layoutOf, type DocumentLayout, type TextBlock } from './documentLayout';
import { RecentBlocks, reusedOutcomes, sharedEnds } from './blockReuse';
import { wholeView, type YamlView } from './yamlView';

export type { HostSummary } from './blockAssembly';

/**
 * One open distributed_hosts.yaml, validated as you type. Each text block (section, host) is parsed
 * and checked once and cached by its text; an edit re-parses only the blocks it changed, and the
 * checks across blocks (duplicate host names, host names in other sections) are redone from the
 * cached results. The diagnostics are exactly `parseHostsText(text).diagnostics` (the unit tests
 * compare them on random edit sequences); when the text is laid out in a way blocks cannot be
 * trusted with (aliases, flow style at block level, a quote running across hosts...), the whole
 * text is validated instead.
 */
export interface ValidationStats {
  mode: 'blocks' | 'whole';
  /** Why the whole text was validated (mode `whole`). */
  reason?: string;
  parsedBlocks: number;
  reusedBlocks: number;
}

type Counts = { parsedBlocks: number; reusedBlocks: number };

/** The last text that was split into blocks, and every block's outcome (for reuse after the next edit). */
interface BlocksMemo {
  text: string;
  layout: DocumentLayout;
  sections: BlockOutcome[];
  hosts: BlockOutcome[];
}

export class HostsDocument {
  private text: string | undefined;
  private memo: BlocksMemo | undefined;
  private readonly recent = new RecentBlocks();
  private names: NameIndex | undefined;
  private state: BlocksState | undefined;
  /** Whole-text mode: its parse for the language features, made on first use (null: unparseable). */
  private wholeText: { view?: YamlView | null } = {};
  private summaries: HostSummary[] | undefined = [];
  private wholeNodes = new Map<string, NodeSpec>();
  private result: HostsDiagnostic[] = [];
  private lastStats: ValidationStats = { mode: 'whole', parsedBlocks: 0, reusedBlocks: 0 };

  constructor(
    readonly fileName: string,
    private readonly homedir: string,
  ) {}

  get diagnostics(): readonly HostsDiagnostic[] {
    return this.result;
  }

  get stats(): ValidationStats {
    return this.lastStats;
  }

  get hosts(): readonly HostSummary[] {
    return (this.summaries ??= summariesOf(this.wholeView(), this.wholeNodes));
  }

  /** Names of the top-level sections, in order. */
  sectionNames(): string[] {
    if (this.state) return this.state.layout.sections.map((s) => s.name);
    const root = this.wholeView()?.y.doc.contents;
    return isMap(root) ? root.items.flatMap((p) => (isScalar(p.key) ? [String(p.key.value)] : [])) : [];
  }

  /** The current text (what update last saw). */
  get content(): string {
    return this.text ?? '';
  }

  update(text: string): void {
    if (text === this.text) return;
    this.text = text;
    this.wholeText = {};
    const stats = { parsedBlocks: 0, reusedBlocks: 0 };
    const blocks = this.validateBlocks(text, stats);
    if (typeof blocks === 'string') {
      this.state = undefined;
      const whole = parseHostsText(text, this.fileName, { homedir: this.homedir });
      this.result = whole.diagnostics;
      this.wholeNodes = new Map(whole.nodes.map((n) => [n.name, n]));
      this.summaries = undefined;
      this.lastStats = { mode: 'whole', reason: blocks, ...stats };
      return;
    }
    this.state = blocks.state;
    this.result = blocks.diagnostics;
    this.summaries = blocks.summaries;
    this.lastStats = { mode: 'blocks', ...stats };
  }

  /** The parse to answer questions about `line` (1-based) from: a block's, or the whole text's. */
  viewAt(line: number): YamlView | undefined {
    if (this.text === undefined) return undefined;
    if (!this.state) return this.wholeView();
    const { layout, sections, hosts } = this.state;
    const index = lastStartingAtOrBefore(layout.hosts, line - 1);
    // The last block also holds the empty line after the document's final line break.
    const reach = (b: TextBlock) => b.endLine + (b.follower === 'end' ? 1 : 0);
    if (index >= 0 && line - 1 < reach(layout.hosts[index])) {
      return viewOf(layout.hosts[index], hosts[index]);
    }
    const s = lastStartingAtOrBefore(layout.sections, line - 1);
    if (s < 0) return undefined;
    const parsed = sections[s];
    if (parsed) return viewOf(layout.sections[s], parsed);
    // The hosts: header (and comments before the first host): parsed alone, nothing to validate there.
    const header = layout.sections[s];
    return wholeView(header.text, header.startLine);
  }

  private wholeView(): YamlView | undefined {
    if (this.wholeText.view === undefined) this.wholeText.view = wholeView(this.text ?? '') ?? null;
    return this.wholeText.view ?? undefined;
  }

  /** Every parse of the document, in order (semantic tokens walk them all). */
  views(): YamlView[] {
    if (this.text === undefined) return [];
    if (!this.state) {
      const whole = this.wholeView();
      return whole ? [whole] : [];
    }
    const { layout, sections, hosts } = this.state;
    const out: YamlView[] = [];
    layout.sections.forEach((section, k) => {
      if (k === layout.hostsSection) layout.hosts.forEach((h, i) => out.push(viewOf(h, hosts[i])));
      else if (sections[k]) out.push(viewOf(section, sections[k]!));
    });
    return out;
  }

  private outcomeOf(block: TextBlock, hostIndent: number, reused: BlockOutcome | undefined, stats: Counts): BlockOutcome {
    if (reused) {
      stats.reusedBlocks++;
      return reused;
    }
    const recent = this.recent.get(block, hostIndent);
    if (recent) {
      stats.reusedBlocks++;
      return recent;
    }
    stats.parsedBlocks++;
    const outcome = validateBlock(block, hostIndent, this.homedir);
    this.recent.add(block, hostIndent, outcome);
    return outcome;
  }

  private validateBlocks(text: string, stats: Counts) {
    const layout = layoutOf(text);
    if (!layout) return 'the layout is not plain block style';
    const memo = this.memo;
    const ends = memo ? sharedEnds(memo.text, text) : undefined;
    const usable = memo && ends && memo.layout.hostIndent === layout.hostIndent;
    const oldSections = usable ? reusedOutcomes(memo.layout.sections, memo.sections, layout.sections, ends) : [];
    const oldHosts = usable ? reusedOutcomes(memo.layout.hosts, memo.hosts, layout.hosts, ends) : [];
    const sections: BlockOutcome[] = [];
    const hosts: BlockOutcome[] = [];
    let unsupported: string | undefined;
    for (const [k, section] of layout.sections.entries()) {
      if (k === layout.hostsSection) {
        // The header (`hosts:` and comments) holds nothing to validate.
        sections.push({ unsupported: 'the hosts: header' });
        for (const [i, h] of layout.hosts.entries()) {
          const outcome = this.outcomeOf(h, layout.hostIndent, oldHosts[i], stats);
          if ('unsupported' in outcome) unsupported ??= `host '${h.name}': ${outcome.unsupported}`;
          hosts.push(outcome);
        }
      } else {
        const outcome = this.outcomeOf(section, layout.hostIndent, oldSections[k], stats);
        if ('unsupported' in outcome) unsupported ??= `section '${section.name}': ${outcome.unsupported}`;
        sections.push(outcome);
      }
    }
    // Kept even when a block is unsupported: the next edit (closing the quote) reuses the rest.
    this.memo = { text, layout, sections, hosts };
    if (unsupported) return unsupported;
    const state: BlocksState = {
      layout,
      sections: sections.map((o, k) => (k === layout.hostsSection ? undefined : (o as ParsedBlock))),
      hosts: hosts as ParsedBlock[],
    };
    const assembled = assemble(state, this.names);
    if (typeof assembled !== 'string') this.names = assembled.names;
    return assembled;
  }
}

/** Index of the last block starting at or before 0-based `line`, or -1. */
function lastStartingAtOrBefore(blocks: readonly TextBlock[], line: number): number {
  let low = 0;
  let high = blocks.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (blocks[mid].startLine <= line) low = mid + 1;
    else high = mid;
  }
  return low - 1;
}

function viewOf(block: TextBlock, parsed: ParsedBlock): YamlView {
  return { y: parsed.y, lines: parsed.lines, source: parsed.source, lineShift: lineShiftOf(block, parsed) };
}


