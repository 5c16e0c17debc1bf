import type { NodeSpec } from '../hosts/nodeSpec';
import { fail, ok, type Result } from '../result';
import { agentEndpoint } from '../transports/http/agentClient';
import { filesUrlPath } from '../transports/http/agentPush';
import { agentRequest, endpointLabel, type AgentEndpoint } from '../transports/http/agentRequest';
import { remoteFileInfo } from '../transports/http/orchestrator/fileInfo';
import { detectService, type ServiceKind } from '../transports/http/orchestrator/health';
import { orchestratorTarget, type OrchestratorTarget } from '../transports/http/orchestrator/paths';
import { pullFromNode } from '../transports/http/orchestrator/pull';
import type { TransportOptions } from '../transports/transport';
import { askKind } from './plan';
import type { FanoutPullCode, PullBlame } from './codes';

/** The file a fan-out spreads: where it lands under each node's data dir, and what it must hash to. */
export interface FanoutFile {
  /** As the user gave it (a push's remote path). */
  remotePath: string;
  /** Under the data dir: the /sync/pull entry, the same on every puller and source. */
  target: OrchestratorTarget;
  size: number;
  sha256: string;
}

/** Where a node's copy lands for a pull: its data-dir entry, or why it cannot be pulled. */
export function pullTarget(node: NodeSpec, remotePath: string): Result<OrchestratorTarget, 'not_data'> {
  const t = orchestratorTarget(remotePath, node.remoteBase);
  if (!t.ok) return fail('not_data', `${node.name}: ${t.message}`);
  if (t.value.dir !== 'data') return fail('not_data', `${node.name}: '${remotePath}' is under models/: /sync/pull fetches into the data directory only`);
  return t;
}

/** The endpoint that asks `node` to pull (askKind), with the cluster token. */
function askEndpoint(node: NodeSpec, token: string | undefined): Result<AgentEndpoint, 'not_configured'> {
  const kind = askKind(node);
  if (!kind) return fail('not_configured', `${node.name}: neither p2p nor http can ask it to pull (relay mode or p2p off, and no p2p_public_port)`);
  return agentEndpoint(kind, node, token);
}

/**
 * Asks `puller` to POST /sync/pull the file from `source`'s p2p address, then checks the sha256
 * the puller itself reports (our agent: HEAD /files/data/<rel>; the orchestrator: GET /files/info).
 * Verified or failed; never throws.
 */
export async function pullAndVerify(puller: NodeSpec, source: NodeSpec, file: FanoutFile, opts: TransportOptions, timeoutMs: number, signal: AbortSignal): Promise<Result<{ transport: AgentEndpoint['kind'] }, FanoutPullCode> & { blame?: PullBlame }> {
  const ep = askEndpoint(puller, opts.agentToken);
  if (!ep.ok) return { ...ep, blame: 'puller' };
  const from = agentEndpoint('p2p', source);
  if (!from.ok) return { ...from, blame: 'source' };
  const service = await detectService(ep.value, opts, signal);
  if (!service.ok) return { ...fail(service.code, `${service.message}; ${puller.name} was not asked to pull`), blame: 'puller' };
  const pulled = await pullFromNode({
    target: ep.value,
    source: { nodeId: source.name, host: from.value.host, port: from.value.port },
    remotePaths: [file.remotePath],
    remoteBase: puller.remoteBase,
    connectTimeoutMs: opts.connectTimeoutMs,
    timeoutMs,
  }, signal);
  if (!pulled.ok) return { ...pulled, blame: pulled.code === 'pull_failed' ? 'source' : 'puller' };
  const checked = await verifyOnNode(ep.value, service.value.answer.service, file, opts, signal);
  if (!checked.ok) return { ...checked, blame: checked.code === 'checksum_mismatch' ? 'source' : 'puller' };
  return ok({ transport: ep.value.kind });
}

/** The sha256 and size the node reports for its copy, compared with the file's. */
async function verifyOnNode(ep: AgentEndpoint, service: ServiceKind, file: FanoutFile, opts: TransportOptions, signal: AbortSignal): Promise<Result<void, FanoutPullCode>> {
  const where = `${ep.kind}: ${ep.node} (${endpointLabel(ep)})`;
  const timing = { connectTimeoutMs: opts.connectTimeoutMs, idleTimeoutMs: opts.idleTimeoutMs };
  let got: { size: number; sha256: string } | undefined;
  if (service === 'ringrift_orchestrator') {
    const info = await remoteFileInfo(ep, file.target, timing, signal);
    if (!info.ok) return fail(info.code, `${info.message}: the pulled copy is not verified`);
    got = info.value;
  } else {
    const head = await agentRequest(ep, { method: 'HEAD', path: filesUrlPath(file.target.uploadPath), ...timing }, signal);
    if (!head.ok) return fail(head.code, `${head.message}: the pulled copy is not verified`);
    const size = Number(head.value.headers['x-size']);
    const sha256 = head.value.headers['x-sha256'];
    if (head.value.status !== 200 || typeof sha256 !== 'string') return fail('not_found', `${where}: HEAD ${file.target.uploadPath} answered HTTP ${head.value.status} without X-Sha256 after the pull: not verified`);
    got = { size, sha256 };
  }
  if (got.size !== file.size || got.sha256 !== file.sha256) {
    return fail('checksum_mismatch', `${where} holds ${file.target.uploadPath} as ${got.size} bytes sha256 ${got.sha256} after the pull, expected ${file.size} bytes sha256 ${file.sha256}`);
  }
  return ok(undefined);
}

/** Whether `source` still answers GET /health at its p2p address (after a pull from it failed). */
export async function sourceAlive(source: NodeSpec, opts: TransportOptions, signal: AbortSignal): Promise<boolean> {
  const ep = agentEndpoint('p2p', source, opts.agentToken);
  if (!ep.ok) return false;
  const r = await detectService(ep.value, opts, signal);
  return r.ok && r.value.answer.healthy;
}
