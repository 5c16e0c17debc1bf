import type { SourceRange } from '../hosts/nodeSpec';
import type { HostsDocument, HostSummary } from './hostsDocument';
import { liveStateLabel, type LiveStateLookup } from './liveState';

/**
 * Per-host things the editor shows: one outline symbol per host, the Test / Sync / History lenses
 * above it, and the faint live-state text after its name.
 */
export interface HostSymbol {
  name: string;
  /** `p2p > rsync > base64 · ready`. */
  detail: string;
  /** The host's lines (to the start of the next); `selectionRange` is its key. */
  range: SourceRange;
  selectionRange: SourceRange;
}

export type LensAction = 'test' | 'sync' | 'history';

export interface HostLens {
  host: string;
  action: LensAction;
  title: string;
  /** Where the lens sits: the host's key. */
  range: SourceRange;
}

export interface InlineState {
  host: string;
  /** Shown after this range (the host's key). */
  range: SourceRange;
  text: string;
}

/**
 * `>` between the transports, as `ringrift-sync nodes` writes them, not `→`: one character outside
 * Latin-1 makes VS Code's JSON of the whole outline a two-byte string, and the extension host's
 * thread took ~2.7 times as long to serialize the outline of 5,000 hosts (tens of ms).
 */
const CHAIN_SEPARATOR = ' > ';

function detailOf(h: HostSummary): string {
  if (h.duplicate) return 'defined twice: this definition is ignored';
  if (!h.node) return 'not a map of fields';
  return `${h.node.transports.join(CHAIN_SEPARATOR) || 'no transport'} · ${h.node.status}`;
}

/** The outline symbol of one of `doc.hosts` (one at a time: the editor makes 5,000 in slices). */
export function hostSymbol(h: HostSummary): HostSymbol {
  // To the start of the line after the host's last: the whole last line is in.
  const range = { start: { line: h.firstLine, column: 1 }, end: { line: Math.max(h.lastLine, h.keyRange.end.line) + 1, column: 1 } };
  return { name: h.name, detail: detailOf(h), range, selectionRange: h.keyRange };
}

const LENSES: ReadonlyArray<{ action: LensAction; title: string }> = [
  { action: 'test', title: 'Test' },
  { action: 'sync', title: 'Sync' },
  { action: 'history', title: 'History' },
];

/** 1-based lines, both ends included. */
export interface LineSpan {
  from: number;
  to: number;
}

/** Lenses for hosts that are nodes (a repeated or broken host has nothing to test); with `near`, only of hosts whose key is on those lines. */
export function hostLenses(doc: HostsDocument, near?: readonly LineSpan[]): HostLens[] {
  const isNear = (line: number) => !near || near.some((s) => line >= s.from && line <= s.to);
  return doc.hosts.filter((h) => h.node && !h.duplicate && isNear(h.keyRange.start.line)).flatMap((h) => LENSES.map((l) => ({ host: h.name, ...l, range: h.keyRange })));
}

export function inlineStates(doc: HostsDocument, lookup: LiveStateLookup): InlineState[] {
  const out: InlineState[] = [];
  for (const h of doc.hosts) {
    if (h.duplicate) continue;
    const state = lookup(h.name);
    if (state) out.push({ host: h.name, range: h.keyRange, text: liveStateLabel(state) });
  }
  return out;
}
