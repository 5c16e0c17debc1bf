import { fail, ok, type Result } from '../../../result';
import { agentRequest, endpointLabel, type AgentEndpoint, type RequestFailure } from '../agentRequest';
import type { ProbeResult, TransportOptions } from '../../transport';
import type { HealthAnswer } from './health';
import { SET_TOKEN_HINT } from './token';

/**
 * /health needs no token on the orchestrator (nor on our agent from 0.1.0 on), so a probe checks
 * the token on its own: GET /sync/file without a path is authenticated, reads nothing, and answers
 * 400 with the right token (404 on an older agent) and 401 without. A refused token then shows in
 * `test` and `doctor`, not only at the first push.
 */
export async function tokenRefused(ep: AgentEndpoint, opts: TransportOptions, signal: AbortSignal): Promise<Result<number | undefined, RequestFailure>> {
  const answerMs = Math.min(opts.probeTimeoutMs, opts.connectTimeoutMs);
  const r = await agentRequest(ep, { method: 'GET', path: '/sync/file', connectTimeoutMs: opts.connectTimeoutMs, totalTimeoutMs: answerMs }, signal);
  if (!r.ok) return fail(r.code, r.message);
  return ok(r.value.status === 401 || r.value.status === 403 ? r.value.status : undefined);
}

/** Every code a probe of the real orchestrator reports once it answered /health. */
export type OrchestratorProbeFailure = RequestFailure | 'unhealthy' | 'auth_failed';

/** The probe's second half where the real orchestrator answered /health. */
export async function probeOrchestrator(ep: AgentEndpoint, health: HealthAnswer, opts: TransportOptions, signal: AbortSignal, t0: number): Promise<ProbeResult> {
  const where = `${ep.kind}: ${ep.node} (${endpointLabel(ep)})`;
  const result = (success: boolean, message: string, code?: OrchestratorProbeFailure): ProbeResult =>
    ({ transport: ep.kind, success, message, latencyMs: Date.now() - t0, service: 'ringrift_orchestrator', ...(code ? { code } : {}) });
  const name = health.name ?? '?';
  if (!health.healthy) return result(false, `${where}: RingRift orchestrator ${name} answers /health with "healthy": false; see its log on the node`, 'unhealthy');
  const refused = await tokenRefused(ep, opts, signal);
  if (!refused.ok) return result(false, refused.message, refused.code);
  if (refused.value) {
    const had = ep.token ? 'rejects our cluster token' : 'wants the cluster token and we have none';
    return result(false, `${where}: HTTP ${refused.value}: RingRift orchestrator ${name} ${had}; ${SET_TOKEN_HINT}`, 'auth_failed');
  }
  const role = health.role ? ` (${health.role})` : '';
  const elsewhere = name !== ep.node ? `; note: it calls itself '${name}', not '${ep.node}'` : '';
  return result(true, `${where}: RingRift orchestrator ${name}${role} healthy, token ${ep.token ? 'accepted' : 'not needed'}, in ${Date.now() - t0} ms${elsewhere}`);
}
