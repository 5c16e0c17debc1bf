import { isMap, isSeq } from 'yaml';
import { judge } from './checkValue';
import type { DiagnosticPath } from './diagnostics';
import { TRANSPORT_ITEM_SPEC } from './fields';
import { TRANSPORT_KINDS, type SourceRange, type TransportKind } from './nodeSpec';
import { deref, mapEntries } from './yamlValues';
import type { ParsedYaml } from './yamlDocument';

/**
 * A host's escalation chain: its own `transports:` block ordered by priority, or the default
 * chain minus what the host rules out. Type problems inside the block were already reported by
 * checkTree; this reports only what needs the whole block (order, duplicates, contradictions).
 */
export interface ChainFacts {
  name: string;
  p2pEnabled: boolean;
  httpPort: number | undefined;
}

export interface ResolvedChain {
  transports: TransportKind[];
  chainSource: 'host' | 'default';
}

/** Every transport, in TRANSPORT_KINDS' order: the runbook's escalation order. */
const DEFAULT_CHAIN: readonly TransportKind[] = TRANSPORT_KINDS;

/** p2p -> http -> rsync -> base64, without p2p when p2p_enabled is false, without http when there is no p2p_public_port. */
export function defaultChain(facts: ChainFacts): TransportKind[] {
  return DEFAULT_CHAIN.filter((t) => (t !== 'p2p' || facts.p2pEnabled) && (t !== 'http' || facts.httpPort !== undefined));
}

interface Step {
  kind: TransportKind;
  word: string;
  priority: number | undefined;
  lastResort: boolean;
  index: number;
  /** The step's `type` value, and where `priority` / `last_resort` are written (for pointing at them). */
  range: SourceRange;
  priorityRange: SourceRange;
  lastResortRange: SourceRange;
}

function readSteps(seqItems: unknown[], facts: ChainFacts, base: DiagnosticPath, y: ParsedYaml, at: SourceRange): Step[] {
  const steps: Step[] = [];
  seqItems.forEach((raw, index) => {
    const item = deref(raw, y);
    if (!isMap(item)) return; // reported by checkTree
    const fields = mapEntries(item, y);
    const itemRange = y.sink.rangeOf(item, at);
    const rangeOfField = (name: string) => {
      const entry = fields.get(name);
      return entry ? y.sink.rangeOf(entry.value as never, y.sink.rangeOf(entry.key)) : itemRange;
    };
    const type = judge(fields.get('type')?.value, TRANSPORT_ITEM_SPEC.fields.type, y);
    if (!type.ok) return;
    if (type.value === undefined) {
      y.sink.error('missing_transport_type', [...base, index], itemRange, `host '${facts.name}': transports[${index}] has no type: add type: p2p, http, rsync, ssh or base64`);
      return;
    }
    const word = String(type.value);
    const priority = judge(fields.get('priority')?.value, TRANSPORT_ITEM_SPEC.fields.priority, y);
    const lastResort = judge(fields.get('last_resort')?.value, TRANSPORT_ITEM_SPEC.fields.last_resort, y);
    steps.push({
      kind: word === 'ssh' ? 'rsync' : (word as TransportKind),
      word,
      priority: priority.ok ? (priority.value as number | undefined) : undefined,
      lastResort: lastResort.ok && lastResort.value === true,
      index,
      range: rangeOfField('type'),
      priorityRange: rangeOfField('priority'),
      lastResortRange: rangeOfField('last_resort'),
    });
  });
  return steps;
}

/** Priority order (no priority: after the others, in file order); last_resort steps go last. */
function order(steps: Step[], facts: ChainFacts, base: DiagnosticPath, y: ParsedYaml): Step[] {
  const byPriority = [...steps].sort((a, b) => (a.priority ?? Infinity) - (b.priority ?? Infinity) || a.index - b.index);
  const firstWithPriority = new Map<number, Step>();
  for (const s of byPriority) {
    if (s.priority === undefined) continue;
    const first = firstWithPriority.get(s.priority);
    if (first) {
      const message = `host '${facts.name}': transports[${s.index}] (${s.word}) and transports[${first.index}] (${first.word}) both have priority ${s.priority}: give each step its own priority (file order is used meanwhile)`;
      y.sink.error('duplicate_priority', [...base, s.index, 'priority'], s.priorityRange, message);
    } else firstWithPriority.set(s.priority, s);
  }
  const normal = byPriority.filter((s) => !s.lastResort);
  const lastResorts = byPriority.filter((s) => s.lastResort);
  for (const s of lastResorts) {
    const position = byPriority.indexOf(s);
    const later = byPriority.slice(position + 1).filter((o) => !o.lastResort);
    if (later.length > 0) {
      const message = `host '${facts.name}': transports[${s.index}] (${s.word}) is last_resort but its priority puts it before ${later.map((o) => o.word).join(', ')}: give it the highest priority (it is tried last meanwhile)`;
      y.sink.error('last_resort_not_last', [...base, s.index, 'last_resort'], s.lastResortRange, message);
    }
  }
  return [...normal, ...lastResorts];
}

/** Drops repeats (`ssh` beside `rsync`) and transports the host's own fields rule out. */
function usable(steps: Step[], facts: ChainFacts, base: DiagnosticPath, y: ParsedYaml): TransportKind[] {
  const chosen: Step[] = [];
  for (const s of steps) {
    const earlier = chosen.find((c) => c.kind === s.kind);
    const path = [...base, s.index, 'type'];
    if (earlier) {
      const same = earlier.word === s.word ? `${s.word} twice` : `both ${earlier.word} and ${s.word}, which are the same transport`;
      y.sink.warning('duplicate_transport', path, s.range, `host '${facts.name}': transports lists ${same}: it is tried once, at its first place; remove transports[${s.index}]`);
    } else if (s.kind === 'p2p' && !facts.p2pEnabled) {
      y.sink.warning('p2p_disabled_in_chain', path, s.range, `host '${facts.name}': transports lists p2p but p2p_enabled is false: p2p is left out; set p2p_enabled: true or remove the p2p step`);
    } else if (s.kind === 'http' && facts.httpPort === undefined) {
      y.sink.warning('http_without_port', path, s.range, `host '${facts.name}': transports lists http but the host has no p2p_public_port: http is left out; add p2p_public_port or remove the http step`);
    } else chosen.push(s);
  }
  return chosen.map((s) => s.kind);
}

export function resolveChain(raw: unknown, facts: ChainFacts, y: ParsedYaml, at: SourceRange): ResolvedChain {
  const node = deref(raw, y);
  if (!isSeq(node)) return { transports: defaultChain(facts), chainSource: 'default' }; // absent, or reported by checkTree
  const base: DiagnosticPath = ['hosts', facts.name, 'transports'];
  const steps = order(readSteps(node.items, facts, base, y, at), facts, base, y);
  const transports = usable(steps, facts, base, y);
  if (transports.length === 0) {
    const message = `host '${facts.name}': transports leaves no usable transport, so the node cannot be synced: list at least one step, or remove transports: to use the default chain`;
    y.sink.error('empty_chain', base, y.sink.rangeOf(node, at), message);
  }
  return { transports, chainSource: 'host' };
}
