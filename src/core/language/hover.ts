import { isMap, isScalar, isSeq } from 'yaml';
import type { DiagnosticPath } from '../hosts/diagnostics';
import type { SourcePosition, SourceRange } from '../hosts/nodeSpec';
import { whyNotTarget } from '../router/syncTarget';
import { fieldMarkdown, isTransportStep, namesHost, specAt, transportTypeMarkdown } from './fieldDocs';
import { hostFacts, missingFor } from './hostFacts';
import type { HostsDocument, HostSummary } from './hostsDocument';
import { liveStateMarkdown, NO_LIVE_STATE, type LiveStateLookup } from './liveState';
import { nodeAtPath, offsetAt, rangeOfNode, type YamlView } from './yamlView';

/**
 * Hover text: for a field, what it does and its default (from the field table); for a transport
 * type, what it needs and whether this host has it; for a host name (its key, or where another
 * section names it), the node's chain, address and, when the extension knows it, its live state.
 */
export interface HoverResult {
  markdown: string;
  range: SourceRange;
  /** What it describes: a field (as the schema also does), a host, or a transport type. */
  about: 'field' | 'host' | 'transport';
}

interface Hit {
  role: 'key' | 'value';
  path: DiagnosticPath;
  node: unknown;
}

const within = (node: unknown, offset: number) => {
  const r = (node as { range?: [number, number, number] } | null)?.range;
  return r !== undefined && r[0] <= offset && offset <= r[1];
};

/** The key or scalar value under `offset`, with its path. */
function nodeAt(view: YamlView, offset: number): Hit | undefined {
  let node: unknown = view.y.doc.contents;
  let path: DiagnosticPath = [];
  for (let depth = 0; depth < 64; depth++) {
    if (isMap(node)) {
      const pair = node.items.find((p) => within(p.key, offset) || within(p.value, offset));
      if (!pair || !isScalar(pair.key)) return undefined;
      const keyPath = [...path, String(pair.key.value)];
      if (within(pair.key, offset)) return { role: 'key', path: keyPath, node: pair.key };
      node = pair.value;
      path = keyPath;
    } else if (isSeq(node)) {
      const index = node.items.findIndex((item) => within(item, offset));
      if (index === -1) return undefined;
      node = node.items[index];
      path = [...path, index];
    } else {
      return isScalar(node) ? { role: 'value', path, node } : undefined;
    }
  }
  return undefined;
}

function hostMarkdown(name: string, summary: HostSummary | undefined, liveState: LiveStateLookup): string {
  const lines = [`**${name}** (host)`];
  const node = summary?.node;
  if (node) {
    lines.push('', `Chain: ${node.transports.join(' → ') || 'none'}${node.chainSource === 'default' ? ' (default)' : ''}`);
    lines.push('', `Address: \`${node.address ?? 'none'}\` · user \`${node.user}\` · status \`${node.status}\`${whyNotTarget(node, false) ? ' (not synced)' : ''}`);
  } else if (!summary) {
    lines.push('', 'No host of this name in `hosts:`.');
  }
  const state = liveState(name);
  if (state) lines.push('', liveStateMarkdown(state));
  return lines.join('\n');
}

type Described = { markdown: string; about: HoverResult['about'] } | undefined;

function describe(doc: HostsDocument, view: YamlView, hit: Hit, liveState: LiveStateLookup): Described {
  const { path } = hit;
  const last = path[path.length - 1];
  const value = isScalar(hit.node) ? hit.node.value : undefined;
  const summaryOf = (name: string) => doc.hosts.find((h) => h.name === name && !h.duplicate);
  const host = (name: string): Described => ({ markdown: hostMarkdown(name, summaryOf(name), liveState), about: 'host' });
  if (hit.role === 'key' && path.length === 2 && path[0] === 'hosts') return host(String(last));
  if (hit.role === 'value' && namesHost(path) && typeof value === 'string') return host(value);
  if (hit.role === 'value' && isTransportStep(path) && last === 'type' && typeof value === 'string') {
    const text = transportTypeMarkdown(value);
    if (!text) return undefined;
    const hostNode = nodeAtPath(view, path.slice(0, 2));
    const missing = missingFor(value, hostFacts(isMap(hostNode) ? hostNode : undefined));
    return { markdown: missing ? `${text}\n\nNote: ${missing}.` : text, about: 'transport' };
  }
  const spec = specAt(path);
  if (!spec) return undefined;
  const name = typeof last === 'number' ? String(path[path.length - 2]) : String(last ?? '');
  if (hit.role === 'value' && path.length === 3 && path[0] === 'hosts' && last === 'status' && typeof value === 'string') {
    return { markdown: `${fieldMarkdown(name, spec)}\n\n\`${value}\`: ${value === 'ready' ? 'synced' : 'shown, not synced'}.`, about: 'field' };
  }
  return { markdown: fieldMarkdown(name, spec), about: 'field' };
}

export function hoverAt(doc: HostsDocument, position: SourcePosition, liveState: LiveStateLookup = NO_LIVE_STATE): HoverResult | undefined {
  const view = doc.viewAt(position.line);
  const offset = view && offsetAt(view, position);
  if (!view || offset === undefined) return undefined;
  const hit = nodeAt(view, offset);
  if (!hit) return undefined;
  const described = describe(doc, view, hit, liveState);
  const range = rangeOfNode(view, hit.node);
  return described && range ? { ...described, range } : undefined;
}
