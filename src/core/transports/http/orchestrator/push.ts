import * as fs from 'node:fs';
import { describeError, type Result } from '../../../result';
import type { NodeSpec } from '../../../hosts/nodeSpec';
import { endpointLabel, type AgentEndpoint, type AgentReply, type RequestFailure } from '../agentRequest';
import { mib } from '../agentReplies';
import type { LocalHashFailure } from '../../hashWorker';
import { fileSha256 } from '../../cellHashCache';
import { progressTicker } from '../../progressTicker';
import { bytesPerSecond, type PushFailure, type PushJob, type PushLimit, type PushProgress, type PushResult, type TransportOptions } from '../../transport';
import { remoteFileInfo, type InfoFailure } from './fileInfo';
import { checkUploadLimits, limitOfReply, type LimitHit } from './limits';
import { orchestratorTarget, type OrchestratorTarget } from './paths';
import { SET_TOKEN_HINT } from './token';
import { postUpload } from './upload';


/** Every code a push in the orchestrator's dialect reports (a limit it refuses is its own code). */
export type OrchestratorPushFailure = PushLimit | RequestFailure | InfoFailure | 'auth_failed' | 'http_error' | 'checksum_mismatch';

export interface OrchestratorPushOptions {
  /** The real orchestrator's extension and size limits; off for our agent speaking its dialect. */
  enforceLimits: boolean;
}

function bodyOf(reply: AgentReply): { error?: unknown; success?: unknown } {
  try {
    const v: unknown = JSON.parse(reply.body);
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

/** The upload's answer when it is not a success: a limit, a refused token, or another error. */
function replyFailure(reply: AgentReply, ep: AgentEndpoint, upload: string): LimitHit | { code: 'auth_failed' | 'http_error'; message: string } | undefined {
  const where = `${ep.kind}: ${ep.node} (${endpointLabel(ep)})`;
  const body = bodyOf(reply);
  const error = typeof body.error === 'string' ? body.error : undefined;
  const limit = limitOfReply(reply.status, reply.headers, error);
  if (limit) return limit;
  if (reply.status === 401 || reply.status === 403) {
    const had = ep.token ? 'rejected our cluster token' : 'wants the cluster token and we sent none';
    return { code: 'auth_failed', message: `${where}: HTTP ${reply.status}: the orchestrator ${had}; ${SET_TOKEN_HINT}` };
  }
  if (reply.status === 200 && body.success === true) return undefined;
  return { code: 'http_error', message: `${where} answered HTTP ${reply.status} to POST /files/upload of ${upload}${error ? `: ${error}` : ''}` };
}

/**
 * A push in the orchestrator's dialect: limits checked before any byte goes, one streamed
 * multipart POST /files/upload (hashed on a worker thread meanwhile), then GET /files/info's
 * sha256 compared with ours. Verified or failed; never throws. The orchestrator keeps the whole
 * body in memory and writes the file in place, so there is no partial to resume. One stream: its
 * rate is what the router weighs against ranges over SSH (escalationPlan.ts).
 */
export async function pushToOrchestrator(ep: AgentEndpoint, node: NodeSpec, opts: TransportOptions, job: PushJob, progress: PushProgress, signal: AbortSignal, how: OrchestratorPushOptions): Promise<PushResult> {
  const t0 = Date.now();
  const where = `${ep.kind}: ${ep.node} (${endpointLabel(ep)})`;
  const failure = (code: OrchestratorPushFailure, message: string, limit?: LimitHit['limit']): PushFailure =>
    ({ ok: false, transport: ep.kind, code, message, durationMs: Date.now() - t0, ...(limit ? { limit } : {}) });
  const refuse = (hit: LimitHit, sent: boolean) =>
    failure(hit.limit, `${where}: ${hit.why}; ${sent ? 'the upload was refused' : 'nothing was sent'}; the next transport of the chain takes over`, hit.limit);

  const target = orchestratorTarget(job.remotePath, node.remoteBase);
  if (!target.ok) return refuse({ limit: target.code, why: target.message }, false);
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(job.localPath);
  } catch (err) {
    return failure('local_read_failed', `cannot read ${job.localPath}: ${describeError(err)}`);
  }
  if (!st.isFile()) return failure('local_read_failed', `${job.localPath} is not a regular file`);
  const size = st.size;
  const hit = how.enforceLimits ? checkUploadLimits(target.value, size) : undefined;
  if (hit) return refuse(hit, false);

  let onNode = 0;
  const { report, stop: stopTicker } = progressTicker(progress, () => ({ done: onNode, total: size }));
  const stopHash = new AbortController();
  // The file's sha256: remembered from an earlier push, or read once for every push of it.
  const hashing = fileSha256(job.localPath, st, stopHash.signal);
  const timing = { connectTimeoutMs: opts.connectTimeoutMs, idleTimeoutMs: opts.idleTimeoutMs };
  const upload = target.value.uploadPath;
  try {
    if (job.skipWhenSame && (await alreadyThere(ep, target.value, size, hashing, timing, signal))) {
      onNode = size;
      report();
      const sha = await hashing;
      if (sha.ok) return { ok: true, transport: ep.kind, bytes: size, bytesSent: 0, sha256: sha.value, durationMs: Date.now() - t0, remotePath: upload, skipped: true };
    }
    const posted = await postUpload(ep, { file: job.localPath, size, target: target.value, ...timing }, (n) => (onNode += n), signal);
    if (!posted.ok) {
      const tail = posted.code === 'local_read_failed' ? '' : '; the orchestrator keeps nothing of an unfinished upload (no resume): the next sync sends it again';
      return failure(posted.code, `${posted.message} while sending ${upload} (${mib(onNode)} of ${mib(size)})${tail}`);
    }
    const refused = replyFailure(posted.value, ep, upload);
    if (refused) return 'limit' in refused ? refuse(refused, true) : failure(refused.code, refused.message);
    const sha = await hashing;
    if (!sha.ok) return failure('local_read_failed', `${where}: ${sha.message}`);
    const info = await remoteFileInfo(ep, target.value, timing, signal);
    if (!info.ok) return failure(info.code, `${info.message}: the upload of ${upload} is not verified`);
    if (info.value.size !== size || info.value.sha256 !== sha.value) {
      return failure('checksum_mismatch', `${where} stored ${upload} as ${info.value.size} bytes sha256 ${info.value.sha256}, expected ${size} bytes sha256 ${sha.value}: push it again`);
    }
    onNode = size;
    report();
    const durationMs = Date.now() - t0;
    return { ok: true, transport: ep.kind, bytes: size, bytesSent: size, sha256: sha.value, durationMs, remotePath: upload, streams: 1, rateBytesPerS: bytesPerSecond(size, durationMs) };
  } finally {
    stopTicker();
    stopHash.abort();
  }
}

/** GET /files/info: the orchestrator already holds this size and sha256 (any doubt: no). */
async function alreadyThere(
  ep: AgentEndpoint, target: OrchestratorTarget, size: number, hashing: Promise<Result<string, LocalHashFailure>>,
  timing: { connectTimeoutMs: number; idleTimeoutMs: number }, signal: AbortSignal,
): Promise<boolean> {
  const info = await remoteFileInfo(ep, target, timing, signal);
  if (!info.ok || info.value.size !== size) return false;
  const sha = await hashing;
  return sha.ok && sha.value === info.value.sha256;
}
