import { isMap, isScalar } from 'yaml';
import type { HostsDiagnostic } from '../hosts/diagnostics';
import type { NodeSpec } from '../hosts/nodeSpec';
import { lineShiftOf, summariesOf, type BlocksState, type HostSummary } from './blockAssembly';
import { BlockBuilder, type BuildResult } from './blockBuild';
import type { ParsedBlock } from './blockValidation';
import type { TextBlock } from './documentLayout';
import { runAtOnce, runInSlices, type Slicing } from '../slicedRun';
import { wholeView, type YamlView } from './yamlView';

export type { HostSummary } from './blockAssembly';

/**
 * One open distributed_hosts.yaml, validated as you type. Each text block (section, host) is parsed
 * and checked once and cached by its text; an edit re-parses only the blocks it changed, and the
 * checks across blocks (duplicate host names, host names in other sections) are redone from the
 * cached results. The diagnostics are exactly `parseHostsText(text).diagnostics` (the unit tests
 * compare them on random edit sequences); when the text is laid out in a way blocks cannot be
 * trusted with (aliases, flow style at block level, a quote running across hosts...), the whole
 * text is validated instead. `update` validates at once; `updateInSlices` gives the event loop
 * back between slices (an editor's first validation of a 5,000-host file) and shows the last
 * validated text until it is done.
 */
export interface ValidationStats {
  mode: 'blocks' | 'whole';
  /** Why the whole text was validated (mode `whole`). */
  reason?: string;
  parsedBlocks: number;
  reusedBlocks: number;
}

export class HostsDocument {
  private text: string | undefined;
  private readonly builder: BlockBuilder;
  /** Counts updates: a build in slices stops when another update started after it. */
  private generation = 0;
  private state: BlocksState | undefined;
  /** Whole-text mode: its parse for the language features, made on first use (null: unparseable). */
  private wholeText: { view?: YamlView | null } = {};
  private summaries: HostSummary[] | undefined = [];
  private wholeNodes = new Map<string, NodeSpec>();
  private result: HostsDiagnostic[] = [];
  private lastStats: ValidationStats = { mode: 'whole', parsedBlocks: 0, reusedBlocks: 0 };

  constructor(
    readonly fileName: string,
    homedir: string,
  ) {
    this.builder = new BlockBuilder(fileName, homedir);
  }

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
    this.generation++;
    if (text !== this.text) this.show(text, runAtOnce(this.builder.build(text)));
  }

  /**
   * Validates `text` in slices; the document keeps showing the last validated text until then.
   * True when done; false when a later update or `cancelUpdate` replaced it (its parsed blocks are
   * kept for the next).
   */
  async updateInSlices(text: string, slicing: Slicing): Promise<boolean> {
    const generation = ++this.generation;
    if (text === this.text) return true;
    const built = await runInSlices(this.builder.build(text), slicing, () => generation !== this.generation);
    if (!built) return false;
    this.show(text, built);
    return true;
  }

  /** Stops a build in slices (the editor was closed). */
  cancelUpdate(): void {
    this.generation++;
  }

  private show(text: string, built: BuildResult): void {
    this.text = text;
    this.wholeText = {};
    const { parsedBlocks, reusedBlocks } = built.counts;
    if (built.mode === 'whole') {
      this.state = undefined;
      this.result = built.whole.diagnostics;
      this.wholeNodes = new Map(built.whole.nodes.map((n) => [n.name, n]));
      this.summaries = undefined;
      this.lastStats = { mode: 'whole', reason: built.reason, parsedBlocks, reusedBlocks };
      return;
    }
    this.state = built.state;
    this.result = built.diagnostics;
    this.summaries = built.summaries;
    this.lastStats = { mode: 'blocks', parsedBlocks, reusedBlocks };
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


