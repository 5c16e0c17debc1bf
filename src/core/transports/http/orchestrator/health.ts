import { fail, ok, type Result } from '../../../result';
import { agentRequest, endpointLabel, type AgentEndpoint, type AgentReply, type RequestFailure } from '../agentRequest';
import { RANGED_PUT_EXTENSION } from '../rangedPutProtocol';
import type { TransportOptions } from '../../transport';

/**
 * What answers GET /health on a p2p/http port. The real RingRift orchestrator says
 * `{"healthy": true, "node_id": ...}`; our reference agent says `{"status": "ok", "node", "version"}`
 * and, from 0.1.0 on, `"ringrift_sync": {"version", "extensions": [...]}`.
 */
export type ServiceKind = 'ringrift_orchestrator' | 'ringrift_sync_agent' | 'other_http_service';

/** Agent extensions this client knows; others are ignored. */
type AgentExtension = 'resumable_put' | typeof RANGED_PUT_EXTENSION;
const KNOWN_EXTENSIONS: readonly AgentExtension[] = ['resumable_put', RANGED_PUT_EXTENSION];

export interface HealthAnswer {
  service: ServiceKind;
  /** The orchestrator's `healthy`, the agent's `status: "ok"`; false for another service. */
  healthy: boolean;
  /** The name the service gives itself (`node_id` or `node`). */
  name?: string;
  version?: string;
  /** Agent extensions. An agent older than the `ringrift_sync` field has `resumable_put`. */
  extensions: AgentExtension[];
  /** The orchestrator's role (leader, follower, ...), for messages. */
  role?: string;
}

type Json = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function agentAnswer(h: Json): HealthAnswer {
  const rs = h.ringrift_sync;
  const ext = rs && typeof rs === 'object' ? (rs as Json).extensions : undefined;
  const extensions: AgentExtension[] = rs === undefined
    ? ['resumable_put'] // an agent from before the field: the resumable PUT is all it speaks
    : KNOWN_EXTENSIONS.filter((e) => Array.isArray(ext) && ext.includes(e));
  const version = str(h.version) ?? (rs && typeof rs === 'object' ? str((rs as Json).version) : undefined);
  return { service: 'ringrift_sync_agent', healthy: h.status === 'ok', name: str(h.node), version, extensions };
}

/** Classifies a 200 answer to GET /health. Pure. */
export function classifyHealth(body: string): HealthAnswer {
  let h: unknown;
  try {
    h = JSON.parse(body);
  } catch {
    return { service: 'other_http_service', healthy: false, extensions: [] };
  }
  if (!h || typeof h !== 'object' || Array.isArray(h)) return { service: 'other_http_service', healthy: false, extensions: [] };
  const j = h as Json;
  if ('ringrift_sync' in j || (j.status === 'ok' && !('node_id' in j))) return agentAnswer(j);
  if (typeof j.healthy === 'boolean' && typeof j.node_id === 'string') {
    return { service: 'ringrift_orchestrator', healthy: j.healthy, name: j.node_id, role: str(j.role), extensions: [] };
  }
  return { service: 'other_http_service', healthy: false, extensions: [] };
}

export type DetectFailure = RequestFailure | 'unauthorized' | 'bad_answer';

/** GET /health and what answered; bounded by the connect timeout (a live service answers at once). */
export async function detectService(ep: AgentEndpoint, opts: TransportOptions, signal: AbortSignal): Promise<Result<{ answer: HealthAnswer; reply: AgentReply }, DetectFailure>> {
  const where = `${ep.kind}: ${endpointLabel(ep)}`;
  const answerMs = Math.min(opts.probeTimeoutMs, opts.connectTimeoutMs);
  const r = await agentRequest(ep, { method: 'GET', path: '/health', connectTimeoutMs: opts.connectTimeoutMs, totalTimeoutMs: answerMs }, signal);
  if (!r.ok) return r;
  const { status, body } = r.value;
  if (status === 401) return fail('unauthorized', `${where}: HTTP 401 to GET /health`);
  if (status !== 200) return fail('bad_answer', `${where} answered HTTP ${status} to GET /health: not a ringrift agent or orchestrator, or a proxy in the way`);
  return ok({ answer: classifyHealth(body), reply: r.value });
}
