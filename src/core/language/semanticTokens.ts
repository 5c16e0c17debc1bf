import { isMap, isScalar, type Pair } from 'yaml';
import { runAtOnce } from '../slicedRun';
import { pairNamed, transportsOf } from './hostFacts';
import type { HostsDocument } from './hostsDocument';
import { hostPairs, rangeOfNode, type YamlView } from './yamlView';

/**
 * Semantic tokens for transport config: each step's `type` value gets a token type of its own
 * (so a theme colours p2p, http, rsync/ssh and base64 apart), with `fallback` / `lastResort`
 * modifiers when the step says so; the `fallback:` and `last_resort:` keys themselves are marked.
 * package.json maps each type to TextMate scopes that themes already colour.
 */
export const TOKEN_TYPES = ['transportP2p', 'transportHttp', 'transportRsync', 'transportBase64', 'chainFlag'] as const;
export const TOKEN_MODIFIERS = ['fallback', 'lastResort'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];
export type TokenModifier = (typeof TOKEN_MODIFIERS)[number];

export interface SemanticToken {
  /** 1-based line and column. */
  line: number;
  column: number;
  length: number;
  type: TokenType;
  modifiers: TokenModifier[];
}

const TYPE_OF_WORD: Readonly<Record<string, TokenType>> = {
  p2p: 'transportP2p',
  http: 'transportHttp',
  rsync: 'transportRsync',
  ssh: 'transportRsync',
  base64: 'transportBase64',
};

function tokenOf(view: YamlView, node: unknown, type: TokenType, modifiers: TokenModifier[]): SemanticToken | undefined {
  const r = rangeOfNode(view, node);
  if (!r || r.start.line !== r.end.line || r.end.column <= r.start.column) return undefined;
  return { line: r.start.line, column: r.start.column, length: r.end.column - r.start.column, type, modifiers };
}

const isTrue = (pair: Pair | undefined) => isScalar(pair?.value) && (pair!.value as { value: unknown }).value === true;

function hostTokens(view: YamlView, hostPair: Pair, out: SemanticToken[]): void {
  const host = hostPair.value;
  const steps = isMap(host) ? transportsOf(host) : undefined;
  for (const item of steps?.items ?? []) {
    if (!isMap(item)) continue;
    const fallback = pairNamed(item, 'fallback');
    const lastResort = pairNamed(item, 'last_resort');
    const modifiers: TokenModifier[] = [];
    if (isTrue(fallback)) modifiers.push('fallback');
    if (isTrue(lastResort)) modifiers.push('lastResort');
    const typeValue = pairNamed(item, 'type')?.value;
    const type = isScalar(typeValue) && typeof typeValue.value === 'string' ? TYPE_OF_WORD[typeValue.value] : undefined;
    const found = [
      type ? tokenOf(view, typeValue, type, modifiers) : undefined,
      isTrue(fallback) ? tokenOf(view, fallback!.key, 'chainFlag', ['fallback']) : undefined,
      isTrue(lastResort) ? tokenOf(view, lastResort!.key, 'chainFlag', ['lastResort']) : undefined,
    ];
    for (const t of found) if (t) out.push(t);
  }
}

export function semanticTokens(doc: HostsDocument): SemanticToken[] {
  return runAtOnce(semanticTokenSteps(doc));
}

/** semanticTokens as steps, one per block (a 5,000-host file's take ~0.1 s: the editor runs them in slices). */
export function* semanticTokenSteps(doc: HostsDocument): Generator<void, SemanticToken[]> {
  const out: SemanticToken[] = [];
  for (const view of doc.views()) {
    // A block's stand-in entries (blockValidation.ts) have no transports: nothing comes of them.
    for (const pair of hostPairs(view)) hostTokens(view, pair, out);
    yield;
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}
