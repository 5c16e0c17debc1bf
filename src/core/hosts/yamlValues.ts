import { isAlias, isMap, isScalar, isSeq, type Node as YamlNode, type YAMLMap } from 'yaml';
import type { ParsedYaml } from './yamlDocument';

/**
 * Reading values out of the parsed tree: aliases resolved through the one-pass anchor table,
 * `<<` merge keys applied as PyYAML does, and plain-JS copies made under a size budget so an
 * alias bomb stops early instead of expanding a billion values.
 */

/** Largest number of values one host's `fields` may expand to; a real host has a few dozen. */
export const HOST_VALUE_BUDGET = 10_000;
/** Nesting beyond this in a host's fields is not copied (the parser already caps the tree). */
const MAX_DEPTH = 200;
/** Merge keys may chain (`<<: *a` where `a` has its own `<<`) up to this many levels. */
const MAX_MERGE_DEPTH = 10;

export class ExpansionLimit extends Error {
  constructor(readonly reason: 'budget' | 'depth') {
    super(reason === 'budget' ? `aliases expand to more than ${HOST_VALUE_BUDGET} values` : `values nest deeper than ${MAX_DEPTH} levels`);
  }
}

/** The node an alias points at (one step, no copy); the node itself otherwise. */
export function deref(node: unknown, y: ParsedYaml): unknown {
  return isAlias(node) ? y.aliases.get(node) : node;
}

export interface MapEntry {
  key: YamlNode;
  /** The value node (`null` for `key:` with nothing after it). */
  value: unknown;
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol';
}

function collectEntries(map: YAMLMap, y: ParsedYaml, out: Map<string, MapEntry>, depth: number, onBadMerge?: (node: unknown) => void): void {
  const merges: unknown[] = [];
  for (const pair of map.items) {
    if (isMergeKey(pair.key)) {
      merges.push(pair.value);
      continue;
    }
    if (!isScalar(pair.key)) continue; // complex keys carry no field name
    const name = String(pair.key.value);
    if (!out.has(name)) out.set(name, { key: pair.key as YamlNode, value: pair.value ?? null });
  }
  if (depth >= MAX_MERGE_DEPTH) return;
  for (const merge of merges) {
    const source = deref(merge, y);
    const sources = isSeq(source) ? source.items.map((item) => deref(item, y)) : [source];
    for (const s of sources) {
      if (isMap(s)) collectEntries(s, y, out, depth + 1, onBadMerge);
      else onBadMerge?.(merge);
    }
  }
}

/** A map's fields by name, own keys first, then merged ones (earlier merge sources win). */
export function mapEntries(map: YAMLMap, y: ParsedYaml, onBadMerge?: (node: unknown) => void): Map<string, MapEntry> {
  const out = new Map<string, MapEntry>();
  collectEntries(map, y, out, 0, onBadMerge);
  return out;
}

function plainScalar(value: unknown, source: string | undefined): unknown {
  if (value instanceof Date) return source ?? value.toISOString(); // keep `2025-12-26` as written
  if (typeof value === 'symbol') return '<<';
  if (typeof value === 'bigint') return Number(value);
  return value;
}

/** A plain-JS copy for `fields`; throws ExpansionLimit when the budget or depth runs out. */
function toPlain(node: unknown, y: ParsedYaml, budget: { left: number }, depth = 0): unknown {
  if (--budget.left < 0) throw new ExpansionLimit('budget');
  if (depth > MAX_DEPTH) throw new ExpansionLimit('depth');
  const n = deref(node, y);
  if (n === null || n === undefined) return null;
  if (isScalar(n)) return plainScalar(n.value, n.source);
  if (isSeq(n)) return n.items.map((item) => toPlain(item, y, budget, depth + 1));
  if (isMap(n)) return entriesToPlain(mapEntries(n, y), y, budget, depth + 1);
  return null;
}

/** A map's entries (from mapEntries) as a plain object; same budget rules as toPlain. */
export function entriesToPlain(entries: Map<string, MapEntry>, y: ParsedYaml, budget: { left: number }, depth = 0): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  for (const [name, entry] of entries) {
    const value = toPlain(entry.value, y, budget, depth);
    // defineProperty keeps a key named `__proto__` an ordinary field; it is slow, so only there.
    if (name === '__proto__') Object.defineProperty(obj, name, { value, enumerable: true, writable: true, configurable: true });
    else obj[name] = value;
  }
  return obj;
}
