import { AGENT_TRANSPORTS, type NodeSpec } from '../hosts/nodeSpec';
import { agentEndpoint } from '../transports/http/agentClient';
import { agentRequest } from '../transports/http/agentRequest';
import type { TransportOptions } from '../transports/transport';
import type { DiskEvidence } from './evidence';

/**
 * Free disk on the node as its agent reports it (`GET /status`, DESIGN.md), asked at the p2p and
 * the http address at once; the first good answer wins. Bounded like a probe; never throws.
 */
export async function agentDisk(node: NodeSpec, opts: TransportOptions, signal: AbortSignal): Promise<DiskEvidence | undefined> {
  const kinds = AGENT_TRANSPORTS.filter((k) => node.transports.includes(k));
  const endpoints = kinds.map((k) => agentEndpoint(k, node, opts.agentToken)).flatMap((e) => (e.ok ? [e.value] : []));
  if (endpoints.length === 0) return undefined;
  const answers = await Promise.all(
    endpoints.map(async (ep): Promise<DiskEvidence> => {
      const r = await agentRequest(ep, { method: 'GET', path: '/status', connectTimeoutMs: opts.connectTimeoutMs, totalTimeoutMs: opts.probeTimeoutMs }, signal);
      if (!r.ok) return { source: 'agent', error: r.message };
      if (r.value.status !== 200) return { source: 'agent', error: `${ep.kind}: GET /status answered HTTP ${r.value.status}` };
      return parseStatus(r.value.body, ep.kind);
    }),
  );
  return answers.find((a) => a.freeBytes !== undefined) ?? answers[0];
}

/** The `disk` of a /status body, or why it is not there. */
export function parseStatus(body: string, kind: string): DiskEvidence {
  try {
    const s = JSON.parse(body) as { root?: unknown; disk?: { freeBytes?: unknown; totalBytes?: unknown } };
    const free = s.disk?.freeBytes;
    if (typeof free !== 'number' || !Number.isFinite(free)) return { source: 'agent', error: `${kind}: /status has no disk.freeBytes (an older agent?)` };
    const total = s.disk?.totalBytes;
    return { source: 'agent', freeBytes: free, totalBytes: typeof total === 'number' ? total : undefined, path: typeof s.root === 'string' ? s.root : undefined };
  } catch {
    return { source: 'agent', error: `${kind}: /status is not JSON` };
  }
}
