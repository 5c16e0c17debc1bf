import type { AgentTransportKind, NodeSpec } from '../../hosts/nodeSpec';
import { fail, ok, type Result } from '../../result';
import { pushToAgent, type AgentPushFailure } from './agentPush';
import { unauthorizedMessage } from './agentReplies';
import { RANGED_PUT_EXTENSION } from './rangedPutProtocol';
import { endpointLabel, type AgentEndpoint } from './agentRequest';
import { detectService, type DetectFailure, type ServiceKind } from './orchestrator/health';
import { probeOrchestrator, tokenRefused, type OrchestratorProbeFailure } from './orchestrator/probe';
import { pushToOrchestrator, type OrchestratorPushFailure } from './orchestrator/push';
import { hashesWhenFar } from '../earlyHashes';
import type { AgentRound, ProbeRound } from '../probeRound';
import { DEFAULT_STREAMS } from '../streamCount';
import type { ProbeResult, PushJob, PushProgress, PushResult, Transport, TransportOptions } from '../transport';

export type { AgentEndpoint } from './agentRequest';

/** What a p2p/http probe reports, of our agent or of the orchestrator. */
type AgentProbeFailure = 'not_configured' | DetectFailure | OrchestratorProbeFailure;
/** Every code the p2p and http transports report, probe and push. */
export type AgentTransportFailure = AgentProbeFailure | AgentPushFailure | OrchestratorPushFailure;

/**
 * The client behind both HTTP transports, for our agent and for the real RingRift orchestrator.
 * They differ only in where they find it (DESIGN.md): p2p at the node's preferred address (`tailscale_ip`, else `ssh_host`) on
 * `p2p_port`; http at the public `ssh_host` on `p2p_public_port`.
 */
export function agentEndpoint(kind: AgentTransportKind, node: NodeSpec, token?: string): Result<AgentEndpoint, 'not_configured'> {
  if (kind === 'p2p') {
    if (!node.p2pEnabled) return fail('not_configured', `p2p: ${node.name} has p2p_enabled: false; no p2p transport`);
    if (!node.address) return fail('not_configured', `p2p: ${node.name} has no address; set tailscale_ip or ssh_host`);
    return ok({ kind, node: node.name, host: node.address, port: node.p2pPort, token });
  }
  if (node.httpPort === undefined) return fail('not_configured', `http: ${node.name} has no p2p_public_port; set it to use the http transport`);
  if (!node.sshHost) return fail('not_configured', `http: ${node.name} has no ssh_host to reach the agent's public port at`);
  return ok({ kind, node: node.name, host: node.sshHost, port: node.httpPort, token });
}

/**
 * GET /health, bounded by the connect timeout (for connecting and for the answer), then what the
 * answering service needs: our agent is healthy on `"status": "ok"`; the real orchestrator also
 * gets its token checked (orchestrator/probe.ts).
 */
export async function probeAgent(ep: AgentEndpoint, opts: TransportOptions, signal: AbortSignal, round?: AgentRound): Promise<ProbeResult> {
  const t0 = Date.now();
  const where = `${ep.kind}: ${endpointLabel(ep)}`;
  const result = (success: boolean, message: string, code?: AgentProbeFailure, service?: ServiceKind): ProbeResult =>
    ({ transport: ep.kind, success, message, latencyMs: Date.now() - t0, code, ...(service ? { service } : {}) });
  const detecting = detectService(ep, opts, signal);
  if (round) round.health = detecting;
  const r = await detecting;
  if (!r.ok) return result(false, r.code === 'unauthorized' ? unauthorizedMessage(ep) : r.message, r.code);
  const { answer: health, reply } = r.value;
  if (health.service === 'ringrift_orchestrator') return probeOrchestrator(ep, health, opts, signal, t0);
  if (health.service === 'other_http_service') {
    return result(false, `${where} answered GET /health with something that is neither a ringrift agent nor a RingRift orchestrator (${reply.body.slice(0, 80)}): another service holds the port?`, 'bad_answer', health.service);
  }
  if (!health.healthy) {
    return result(false, `${where} answered GET /health without "status":"ok" (${reply.body.slice(0, 80)}): not a healthy ringrift agent`, 'bad_answer', health.service);
  }
  const refused = await tokenRefused(ep, opts, signal);
  if (!refused.ok) return result(false, refused.message, refused.code, health.service);
  if (refused.value) return result(false, unauthorizedMessage(ep), 'unauthorized', health.service);
  const name = health.name ?? '?';
  const version = health.version ? ` ${health.version}` : '';
  const elsewhere = name !== ep.node ? `; note: it calls itself '${name}', not '${ep.node}' (address of another node?)` : '';
  return result(true, `${where}: agent ${name}${version} healthy in ${Date.now() - t0} ms${elsewhere}`, undefined, health.service);
}

/**
 * A push in the dialect of what answers: the resumable PUT to our agent when it has it (agents
 * from before the `ringrift_sync` field all do), the orchestrator's multipart upload otherwise.
 * The real orchestrator's limits apply only where the real orchestrator answers.
 */
async function pushByDialect(ep: AgentEndpoint, node: NodeSpec, opts: TransportOptions, job: PushJob, progress: PushProgress, signal: AbortSignal, probed?: AgentRound['health']): Promise<PushResult> {
  const t0 = Date.now();
  const r = await (probed ?? detectService(ep, opts, signal));
  if (!r.ok) {
    const message = r.code === 'unauthorized' ? unauthorizedMessage(ep) : r.message;
    return { ok: false, transport: ep.kind, code: r.code, message, durationMs: Date.now() - t0 };
  }
  const { service, extensions } = r.value.answer;
  if (service === 'ringrift_sync_agent' && extensions.includes('resumable_put')) {
    const speaks = { rangedPut: extensions.includes(RANGED_PUT_EXTENSION), healthConnectMs: r.value.reply.connectMs };
    return pushToAgent(ep, opts, job, progress, signal, speaks);
  }
  if (service === 'other_http_service') {
    return { ok: false, transport: ep.kind, code: 'bad_answer', message: `${ep.kind}: ${ep.node} (${endpointLabel(ep)}): neither a ringrift agent nor a RingRift orchestrator answers GET /health; nothing was sent`, durationMs: Date.now() - t0 };
  }
  return pushToOrchestrator(ep, node, opts, job, progress, signal, { enforceLimits: service === 'ringrift_orchestrator' });
}

/** A Transport over the agent protocol; p2p.ts and http.ts only pick the kind. */
export class AgentTransport implements Transport {
  constructor(
    readonly kind: AgentTransportKind,
    private readonly opts: TransportOptions,
  ) {}

  /** A big file's sha256 starts once the probe's connect shows the node far (ranges, and the orchestrator's check, need it). */
  prepare(node: NodeSpec, job: PushJob, signal: AbortSignal): () => void {
    return hashesWhenFar(node, job, this.opts.streams ?? DEFAULT_STREAMS, signal, this.kind, 'whole');
  }

  async probe(node: NodeSpec, signal: AbortSignal, round?: ProbeRound): Promise<ProbeResult> {
    const ep = agentEndpoint(this.kind, node, this.opts.agentToken);
    if (!ep.ok) return { transport: this.kind, success: false, message: ep.message, latencyMs: 0, code: ep.code };
    const shared = round?.agent(this.kind);
    return probeAgent({ ...ep.value, pool: shared?.pool }, this.opts, signal, shared);
  }

  /** Right after its probe (`round`): on the probe's kept connection, with its GET /health answer. */
  async push(node: NodeSpec, job: PushJob, progress: PushProgress, signal: AbortSignal, round?: ProbeRound): Promise<PushResult> {
    const ep = agentEndpoint(this.kind, node, this.opts.agentToken);
    if (!ep.ok) return { ok: false, transport: this.kind, code: ep.code, message: ep.message, durationMs: 0 };
    const shared = round?.agent(this.kind);
    return pushByDialect({ ...ep.value, pool: shared?.pool }, node, this.opts, job, progress, signal, shared?.health);
  }
}
