import { fail, ok, type Result } from '../../../result';
import { agentRequest, endpointLabel, type AgentEndpoint, type RequestFailure } from '../agentRequest';
import { orchestratorTarget, type PathRefusal } from './paths';
import { SET_TOKEN_HINT } from './token';

/**
 * Pull mode: POST /sync/pull asks a node's orchestrator to fetch files from another node's
 * (it GETs /sync/file there with its own cluster token). Entries are relative to the data dir on
 * both nodes and land at <data dir>/<entry>: unlike the upload, a `data/` prefix is NOT stripped,
 * so remote paths are mapped here as for a push (`data/x.npz` -> entry `x.npz`).
 */
interface PullSource {
  /** The source's node id as the orchestrators know it (a known peer's address wins over host). */
  nodeId: string;
  host: string;
  port: number;
}

export interface PullPlan {
  target: AgentEndpoint;
  source: PullSource;
  /** Remote paths as for a push: `data/...`, or absolute under ringrift_path/data/. */
  remotePaths: string[];
  remoteBase?: string;
  connectTimeoutMs: number;
  /** Bound on the whole pull: the orchestrator answers when every file is in (its own bound: 120 s). */
  timeoutMs: number;
}

export interface PullOutcome {
  filesCompleted: number;
  bytesTransferred: number;
  /** The entries as sent, relative to the data dir. */
  entries: string[];
}

export type PullFailure = RequestFailure | PathRefusal | 'not_data' | 'auth_failed' | 'disk_full' | 'handler_timeout' | 'pull_failed' | 'bad_answer';

function entriesOf(plan: PullPlan): Result<string[], PathRefusal | 'not_data'> {
  const entries: string[] = [];
  for (const p of plan.remotePaths) {
    const t = orchestratorTarget(p, plan.remoteBase);
    if (!t.ok) return t;
    if (t.value.dir !== 'data') return fail('not_data', `'${p}' is under models/: /sync/pull fetches into the data directory only`);
    entries.push(t.value.rel);
  }
  return ok(entries);
}

interface PullReply {
  success?: unknown;
  files_completed?: unknown;
  bytes_transferred?: unknown;
  error?: unknown;
}

/** Asks `plan.target` to pull `plan.remotePaths` from `plan.source`. Never throws. */
export async function pullFromNode(plan: PullPlan, signal: AbortSignal): Promise<Result<PullOutcome, PullFailure>> {
  const where = `${plan.target.kind}: ${plan.target.node} (${endpointLabel(plan.target)})`;
  const entries = entriesOf(plan);
  if (!entries.ok) return fail(entries.code, `${where}: pull not asked: ${entries.message}`);
  const body = JSON.stringify({ source_node_id: plan.source.nodeId, source_host: plan.source.host, source_port: plan.source.port, files: entries.value });
  const r = await agentRequest(plan.target, {
    method: 'POST',
    path: '/sync/pull',
    headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    connectTimeoutMs: plan.connectTimeoutMs,
    totalTimeoutMs: plan.timeoutMs,
    sendBody: async (req) => void req.end(body),
  }, signal);
  if (!r.ok) return r;
  const { status, headers } = r.value;
  let reply: PullReply = {};
  try {
    reply = JSON.parse(r.value.body) as PullReply;
  } catch {
    /* judged by the status below */
  }
  const said = typeof reply.error === 'string' ? `: ${reply.error}` : '';
  if (status === 401 || status === 403) return fail('auth_failed', `${where}: HTTP ${status} to POST /sync/pull${said}; ${SET_TOKEN_HINT}`);
  if (status === 507) return fail('disk_full', `${where}: disk full, the pull was refused${said}; free space on ${plan.target.node}`);
  if (status === 503 && headers['x-handler-timeout'] !== undefined) {
    return fail('handler_timeout', `${where}: the pull from ${plan.source.nodeId} outlasted the orchestrator's ${String(headers['x-handler-timeout'])} s bound; pull fewer or smaller files at once`);
  }
  if (status !== 200 || typeof reply.success !== 'boolean') return fail('bad_answer', `${where} answered HTTP ${status} to POST /sync/pull${said}`);
  // The orchestrator answers 200 for a failed pull too: `success` is the answer.
  if (!reply.success) return fail('pull_failed', `${where} could not pull from ${plan.source.nodeId} (${plan.source.host}:${plan.source.port})${said}`);
  const n = (v: unknown) => (typeof v === 'number' ? v : 0);
  return ok({ filesCompleted: n(reply.files_completed), bytesTransferred: n(reply.bytes_transferred), entries: entries.value });
}
