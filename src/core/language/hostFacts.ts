import { isMap, isScalar, isSeq, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { defaultChain } from '../hosts/chain';
import type { TransportKind } from '../hosts/nodeSpec';

/**
 * Facts about one host read straight from its YAML map (the map under the cursor may be half
 * typed, so no NodeSpec is needed): what its default chain is, which steps it lists, and the
 * `transports:` block the editor offers to write.
 */
export function pairNamed(map: YAMLMap | undefined, name: string): Pair | undefined {
  return map?.items.find((p) => isScalar(p.key) && p.key.value === name) as Pair | undefined;
}

function scalarOf(map: YAMLMap | undefined, name: string): unknown {
  const v = pairNamed(map, name)?.value;
  return isScalar(v) ? v.value : undefined;
}

export interface HostFacts {
  p2pEnabled: boolean;
  hasHttpPort: boolean;
  hasAddress: boolean;
  hasSshHost: boolean;
}

export function hostFacts(host: YAMLMap | undefined): HostFacts {
  const present = (name: string) => {
    const v = scalarOf(host, name);
    return v !== undefined && v !== null && v !== '';
  };
  return {
    p2pEnabled: scalarOf(host, 'p2p_enabled') !== false,
    hasHttpPort: present('p2p_public_port'),
    hasAddress: present('ssh_host') || present('tailscale_ip'),
    hasSshHost: present('ssh_host'),
  };
}

/** Why `type` would be left out of (or fail in) this host's chain, or undefined when the host has what it needs. */
export function missingFor(type: string, facts: HostFacts): string | undefined {
  if (type === 'p2p' && !facts.p2pEnabled) return 'this host has p2p_enabled: false, so p2p is left out';
  if (type === 'p2p' && !facts.hasAddress) return 'this host has no ssh_host or tailscale_ip yet';
  if (type === 'http' && !facts.hasHttpPort) return 'this host has no p2p_public_port, so http is left out';
  if (type !== 'p2p' && !facts.hasSshHost) return 'this host has no ssh_host yet';
  return undefined;
}

/** The host's `transports` list node, when it has one. */
export function transportsOf(host: YAMLMap | undefined): YAMLSeq | undefined {
  const v = pairNamed(host, 'transports')?.value;
  return isSeq(v) ? v : undefined;
}

/** Priorities written in a transports list (items that are maps with an integer priority). */
function prioritiesOf(seq: YAMLSeq | undefined, except?: unknown): number[] {
  const out: number[] = [];
  for (const item of seq?.items ?? []) {
    if (item === except || !isMap(item)) continue;
    const p = scalarOf(item, 'priority');
    if (typeof p === 'number' && Number.isInteger(p)) out.push(p);
  }
  return out;
}

/** The number a new step's priority should get: one past the highest written. */
export function nextPriority(seq: YAMLSeq | undefined, except?: unknown): number {
  const ps = prioritiesOf(seq, except);
  return ps.length === 0 ? 1 : Math.max(...ps) + 1;
}

/**
 * The host's default chain written out as a `transports:` block, relative indentation `unit`:
 * rsync marked fallback when something comes before it, base64 last_resort, as in the runbook.
 */
export function defaultTransportsLines(facts: HostFacts, unit = '  '): string[] {
  const chain: TransportKind[] = defaultChain({ name: '', p2pEnabled: facts.p2pEnabled, httpPort: facts.hasHttpPort ? 1 : undefined });
  const lines = ['transports:'];
  chain.forEach((type, i) => {
    lines.push(`${unit}- type: ${type}`, `${unit}  priority: ${i + 1}`);
    if (type === 'rsync' && i > 0) lines.push(`${unit}  fallback: true`);
    if (type === 'base64') lines.push(`${unit}  last_resort: true`);
  });
  return lines;
}
