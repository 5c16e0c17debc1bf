import type { HostsDiagnostic, HostsFile } from '../hosts/diagnostics';
import { parseHostsText } from '../hosts/parseHostsText';
import { assemble, type BlocksState, type HostSummary, type NameIndex } from './blockAssembly';
import { RecentBlocks, reusedOutcomes, sharedEnds } from './blockReuse';
import { validateBlock, type BlockOutcome, type ParsedBlock } from './blockValidation';
import { layoutSteps, type DocumentLayout, type TextBlock } from './documentLayout';

/**
 * Validating a text of the hosts file block by block, as steps (a generator): HostsDocument runs
 * them at once or in slices (slicedRun.ts). Each block's outcome is kept for the next text, so
 * an edit re-parses only the blocks it changed; a build stopped half-way (a newer edit came) keeps
 * the blocks it had parsed for the build that replaces it.
 */
export type Counts = { parsedBlocks: number; reusedBlocks: number };

export type BuildResult =
  | { mode: 'blocks'; state: BlocksState; diagnostics: HostsDiagnostic[]; summaries: HostSummary[]; counts: Counts }
  /** The text is laid out in a way blocks cannot be trusted with: validated whole (`reason` says why). */
  | { mode: 'whole'; reason: string; whole: HostsFile; counts: Counts };

/** The last text that was split into blocks, and the blocks' outcomes so far (undefined: not parsed yet). */
interface BlocksMemo {
  text: string;
  layout: DocumentLayout;
  sections: Array<BlockOutcome | undefined>;
  hosts: Array<BlockOutcome | undefined>;
}

export class BlockBuilder {
  private memo: BlocksMemo | undefined;
  private readonly recent = new RecentBlocks();
  private names: NameIndex | undefined;

  constructor(
    private readonly fileName: string,
    private readonly homedir: string,
  ) {}

  /** Yields every few thousand lines of the split, and after each block. */
  *build(text: string): Generator<void, BuildResult> {
    const counts: Counts = { parsedBlocks: 0, reusedBlocks: 0 };
    const blocks = yield* this.blocksOf(text, counts);
    if (typeof blocks !== 'string') return { mode: 'blocks', ...blocks, counts };
    return { mode: 'whole', reason: blocks, whole: parseHostsText(text, this.fileName, { homedir: this.homedir }), counts };
  }

  private *blocksOf(text: string, counts: Counts) {
    const layout = yield* layoutSteps(text);
    if (!layout) return 'the layout is not plain block style';
    const memo = this.memo;
    const ends = memo ? sharedEnds(memo.text, text) : undefined;
    const usable = memo && ends && memo.layout.hostIndent === layout.hostIndent;
    const oldSections = usable ? reusedOutcomes(memo.layout.sections, memo.sections, layout.sections, ends) : [];
    const oldHosts = usable ? reusedOutcomes(memo.layout.hosts, memo.hosts, layout.hosts, ends) : [];
    const sections: BlockOutcome[] = [];
    const hosts: BlockOutcome[] = [];
    // Filled as the blocks are parsed: a build stopped half-way leaves what it did for the next.
    this.memo = { text, layout, sections, hosts };
    let unsupported: string | undefined;
    for (const [k, section] of layout.sections.entries()) {
      if (k === layout.hostsSection) {
        // The header (`hosts:` and comments) holds nothing to validate.
        sections.push({ unsupported: 'the hosts: header' });
        for (const [i, h] of layout.hosts.entries()) {
          const outcome = this.outcomeOf(h, layout.hostIndent, oldHosts[i], counts);
          if ('unsupported' in outcome) unsupported ??= `host '${h.name}': ${outcome.unsupported}`;
          hosts.push(outcome);
          yield;
        }
      } else {
        const outcome = this.outcomeOf(section, layout.hostIndent, oldSections[k], counts);
        if ('unsupported' in outcome) unsupported ??= `section '${section.name}': ${outcome.unsupported}`;
        sections.push(outcome);
        yield;
      }
    }
    // The memo is kept even when a block is unsupported: the next edit (closing the quote) reuses the rest.
    if (unsupported) return unsupported;
    return this.assembled(layout, sections, hosts);
  }

  private assembled(layout: DocumentLayout, sections: BlockOutcome[], hosts: BlockOutcome[]) {
    const state: BlocksState = {
      layout,
      sections: sections.map((o, k) => (k === layout.hostsSection ? undefined : (o as ParsedBlock))),
      hosts: hosts as ParsedBlock[],
    };
    const assembled = assemble(state, this.names);
    if (typeof assembled !== 'string') this.names = assembled.names;
    return assembled;
  }

  private outcomeOf(block: TextBlock, hostIndent: number, reused: BlockOutcome | undefined, counts: Counts): BlockOutcome {
    const known = reused ?? this.recent.get(block, hostIndent);
    if (known) {
      counts.reusedBlocks++;
      return known;
    }
    counts.parsedBlocks++;
    const outcome = validateBlock(block, hostIndent, this.homedir);
    this.recent.add(block, hostIndent, outcome);
    return outcome;
  }
}
