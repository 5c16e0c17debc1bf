import type { NodeSpec } from '../hosts/nodeSpec';
import { fail, ok, type Result } from '../result';
import { pushToAgent, unauthorizedMessage } from './agentPush';
import { agentRequest, endpointLabel, type AgentEndpoint } from './agentRequest';
import type { ProbeResult, PushJob, PushProgress, PushResult, Transport, TransportOptions } from './transport';

export type { AgentEndpoint } from './agentRequest';

/**
 * The agent protocol client behind both HTTP transports. They differ only in where they find the
 * agent (DESIGN.md): p2p at the node's preferred address (`tailscale_ip`, else `ssh_host`) on
 * `p2p_port`; http at the public `ssh_host` on `p2p_public_port`.
 */
export function agentEndpoint(kind: 'p2p' | 'http', node: NodeSpec, token?: string): Result<AgentEndpoint, 'not_configured'> {
  if (kind === 'p2p') {
    if (!node.p2pEnabled) return fail('not_configured', `p2p: ${node.name} has p2p_enabled: false; no p2p transport`);
    if (!node.address) return fail('not_configured', `p2p: ${node.name} has no address; set tailscale_ip or ssh_host`);
    return ok({ kind, node: node.name, host: node.address, port: node.p2pPort, token });
  }
  if (node.httpPort === undefined) return fail('not_configured', `http: ${node.name} has no p2p_public_port; set it to use the http transport`);
  if (!node.sshHost) return fail('not_configured', `http: ${node.name} has no ssh_host to reach the agent's public port at`);
  return ok({ kind, node: node.name, host: node.sshHost, port: node.httpPort, token });
}

interface HealthBody {
  status?: unknown;
  node?: unknown;
  version?: unknown;
}

/** GET /health, bounded by the connect timeout (for connecting and for the answer). */
export async function probeAgent(ep: AgentEndpoint, opts: TransportOptions, signal: AbortSignal): Promise<ProbeResult> {
  const t0 = Date.now();
  const where = `${ep.kind}: ${endpointLabel(ep)}`;
  const result = (success: boolean, message: string, code?: string): ProbeResult => ({ transport: ep.kind, success, message, latencyMs: Date.now() - t0, code });
  // An agent answers /health at once: one that accepts TCP but stays silent for a whole connect
  // timeout is hung, and waiting longer only delays the escalation.
  const answerMs = Math.min(opts.probeTimeoutMs, opts.connectTimeoutMs);
  const r = await agentRequest(ep, { method: 'GET', path: '/health', connectTimeoutMs: opts.connectTimeoutMs, totalTimeoutMs: answerMs }, signal);
  if (!r.ok) return result(false, r.message, r.code);
  const { status, body } = r.value;
  if (status === 401) return result(false, unauthorizedMessage(ep), 'unauthorized');
  if (status !== 200) return result(false, `${where} answered HTTP ${status} to GET /health: not a ringrift agent, or a proxy in the way`, 'bad_answer');
  let health: HealthBody;
  try {
    health = JSON.parse(body) as HealthBody;
  } catch {
    return result(false, `${where} answered GET /health with something other than JSON: another service holds the port?`, 'bad_answer');
  }
  if (health?.status !== 'ok') {
    return result(false, `${where} answered GET /health without "status":"ok" (${body.slice(0, 80)}): not a healthy ringrift agent`, 'bad_answer');
  }
  const name = typeof health.node === 'string' ? health.node : '?';
  const version = typeof health.version === 'string' ? ` ${health.version}` : '';
  const elsewhere = name !== ep.node ? `; note: it calls itself '${name}', not '${ep.node}' (address of another node?)` : '';
  return result(true, `${where}: agent ${name}${version} healthy in ${Date.now() - t0} ms${elsewhere}`);
}

/** A Transport over the agent protocol; p2p.ts and http.ts only pick the kind. */
export class AgentTransport implements Transport {
  constructor(
    readonly kind: 'p2p' | 'http',
    private readonly opts: TransportOptions,
  ) {}

  async probe(node: NodeSpec, signal: AbortSignal): Promise<ProbeResult> {
    const ep = agentEndpoint(this.kind, node, this.opts.agentToken);
    if (!ep.ok) return { transport: this.kind, success: false, message: ep.message, latencyMs: 0, code: ep.code };
    return probeAgent(ep.value, this.opts, signal);
  }

  async push(node: NodeSpec, job: PushJob, progress: PushProgress, signal: AbortSignal): Promise<PushResult> {
    const ep = agentEndpoint(this.kind, node, this.opts.agentToken);
    if (!ep.ok) return { ok: false, transport: this.kind, code: ep.code, message: ep.message, durationMs: 0 };
    return pushToAgent(ep.value, this.opts, job, progress, signal);
  }
}
