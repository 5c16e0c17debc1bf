import * as fs from 'node:fs';
import { describeError } from '../../result';
import { agentRequest, endpointLabel, type AgentEndpoint, type AgentReply, type RequestFailure } from './agentRequest';
import { progressTicker } from '../progressTicker';
import { uploadOnce } from './agentUpload';
import type { LocalHashFailure } from '../hashWorker';
import { SET_TOKEN_HINT } from './orchestrator/token';
import { httpRemotePath, type RemotePathError } from '../remotePath';
import { localSha256 } from '../rsync/rsyncVerify';
import { fileKey as keyOf, forgetSha, recallSha, rememberSha } from './sentHashes';
import type { PushFailure, PushJob, PushProgress, PushResult, TransportOptions } from '../transport';

/** PUT attempts per push: a stale offset (409), a busy target or a partial that was not our prefix (422) costs one each. */
const MAX_PUTS = 4;
/** Wait before retrying a target another upload holds (often our own cancelled one, still closing). */
const BUSY_RETRY_MS = 300;

export { forgetSentHashes } from './sentHashes';

/** What an agent's non-success answer to HEAD or PUT means (see `refusalOf`). */
type AgentRefusal = 'bad_path' | 'bad_request' | 'unauthorized' | 'not_found' | 'busy' | 'conflict' | 'checksum_mismatch' | 'disk_full' | 'http_error';

/** Every code a push to our agent reports. */
export type AgentPushFailure = RequestFailure | RemotePathError | LocalHashFailure | AgentRefusal;

interface AgentErrorBody {
  error?: string;
  code?: string;
  freeBytes?: number;
  neededBytes?: number;
  partialSize?: number;
  size?: number;
  sha256?: string;
}

function parseBody(reply: AgentReply): AgentErrorBody {
  try {
    const v: unknown = JSON.parse(reply.body);
    return v && typeof v === 'object' ? (v as AgentErrorBody) : {};
  } catch {
    return {};
  }
}

function headerNumber(reply: AgentReply, name: string): number | undefined {
  const raw = reply.headers[name];
  const n = Number(Array.isArray(raw) ? raw[0] : raw);
  return raw === undefined || !Number.isSafeInteger(n) || n < 0 ? undefined : n;
}

/** `/files/` plus each segment percent-encoded: spaces, quotes, `$()`, `;` travel as data. */
export function filesUrlPath(rel: string): string {
  return '/files/' + rel.split('/').map(encodeURIComponent).join('/');
}

export function mib(bytes: number): string {
  return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}

/**
 * A push over the agent protocol, shared by the p2p and http transports: HEAD first (same size
 * there: hash and maybe skip; a partial waits: resume from it), then one streaming PUT. A file's
 * first push hashes it on a worker thread while sending (the sha256 goes as a trailer), so hashing
 * adds no wait; later pushes of the same file send the remembered sha256 as a header. Re-planned
 * on 409 (offset moved, target busy), restarted once from 0 on 422 (the partial was not this
 * file's prefix, or the remembered hash was stale). Never throws.
 */
export async function pushToAgent(ep: AgentEndpoint, opts: TransportOptions, job: PushJob, progress: PushProgress, signal: AbortSignal): Promise<PushResult> {
  const t0 = Date.now();
  const where = `${ep.kind}: ${ep.node} (${endpointLabel(ep)})`;
  const failure = (code: AgentPushFailure, message: string): PushFailure => ({ ok: false, transport: ep.kind, code, message, durationMs: Date.now() - t0 });

  const rel = httpRemotePath(job.remotePath);
  if (!rel.ok) return failure(rel.code, `${ep.kind}: ${rel.message}`);
  let size: number;
  let fileKey: string;
  try {
    const st = await fs.promises.stat(job.localPath);
    if (!st.isFile()) return failure('local_read_failed', `${job.localPath} is not a regular file`);
    size = st.size;
    fileKey = keyOf(st);
  } catch (err) {
    return failure('local_read_failed', `cannot read ${job.localPath}: ${describeError(err)}`);
  }

  let onNode = 0;
  let bytesSent = 0;
  const { report, stop: stopTicker } = progressTicker(progress, () => ({ done: onNode, total: size }));
  let sha = recallSha(fileKey);
  let remembered = sha;
  const hashFirst = async (): Promise<PushResult | undefined> => {
    if (sha) return undefined;
    const r = await localSha256(job.localPath, signal);
    if (!r.ok) return failure(r.code, `${ep.kind}: ${r.message}`);
    sha = r.value;
    return undefined;
  };
  const done = (skipped: boolean): PushResult => {
    onNode = size;
    report();
    return { ok: true, transport: ep.kind, bytes: size, bytesSent, sha256: sha!, durationMs: Date.now() - t0, remotePath: rel.value, ...(skipped ? { skipped } : {}) };
  };
  try {
    const urlPath = filesUrlPath(rel.value);
    const timing = { connectTimeoutMs: opts.connectTimeoutMs, idleTimeoutMs: opts.idleTimeoutMs };
    const head = await agentRequest(ep, { method: 'HEAD', path: urlPath, ...timing }, signal);
    if (!head.ok) return failure(head.code, head.message);
    const refusal = refusalOf(head.value, ep, rel.value);
    if (refusal && head.value.status !== 404) return failure(refusal.code, refusal.message);
    if (head.value.status === 200 && headerNumber(head.value, 'x-size') === size) {
      const bad = await hashFirst();
      if (bad) return bad;
      if (head.value.headers['x-sha256'] === sha) return done(true);
    }
    let offset = resumePoint(headerNumber(head.value, 'x-partial-size'), size);
    const startedFrom = offset;
    let restarted = false;
    let last = '';
    for (let attempt = 0; attempt < MAX_PUTS; attempt++) {
      onNode = offset;
      const plan = { file: job.localPath, urlPath, size, offset, sha256: sha, ...timing };
      const { reply: put, sha256: computed } = await uploadOnce(ep, plan, (n) => {
        bytesSent += n;
        onNode += n;
      }, signal);
      if (!sha && computed) {
        sha = computed;
        rememberSha(fileKey, computed);
      }
      if (!put.ok) {
        const tail = put.code === 'local_read_failed' ? '' : `; ${mib(onNode)} of ${mib(size)} on the node, kept as a partial for the next attempt`;
        const cut = failure(put.code, `${put.message} while sending ${rel.value}${tail}`);
        if (bytesSent === 0 || signal.aborted) return cut;
        // Bytes written to the socket are not bytes on the node's disk: ask the agent what it kept.
        const after = await partialOnNode(ep, urlPath, opts.connectTimeoutMs, signal);
        return after === undefined ? cut : { ...cut, partial: { before: startedFrom, after } };
      }
      const reply = put.value;
      const body = parseBody(reply);
      if (reply.status === 201) {
        if (body.sha256 !== sha || body.size !== size) {
          return failure('checksum_mismatch', `${where} stored ${rel.value} as ${body.size} bytes sha256 ${body.sha256}, expected ${size} bytes sha256 ${sha}`);
        }
        return done(false);
      }
      last = refusalOf(reply, ep, rel.value)?.message ?? `HTTP ${reply.status}`;
      if (reply.status === 409 && (body.code === 'offset_mismatch' || body.code === 'busy')) {
        if (body.code === 'busy') await new Promise((r) => setTimeout(r, BUSY_RETRY_MS));
        offset = resumePoint(headerNumber(reply, 'x-partial-size'), size);
        continue;
      }
      if (reply.status === 422 && (offset > 0 || remembered) && !restarted) {
        // The partial we resumed was not this file's beginning (another version), or the remembered
        // hash was stale: the agent dropped the partial; once more from 0, hashing afresh.
        restarted = true;
        offset = 0;
        if (remembered) sha = remembered = undefined;
        forgetSha(fileKey);
        continue;
      }
      const r = refusalOf(reply, ep, rel.value) ?? { code: 'http_error', message: `${where} answered HTTP ${reply.status} to PUT ${rel.value}` };
      return failure(r.code, r.message);
    }
    return failure('busy', `${where}: gave up on ${rel.value} after ${MAX_PUTS} attempts; another client may be writing it (${last})`);
  } finally {
    stopTicker();
  }
}

export function unauthorizedMessage(ep: AgentEndpoint): string {
  const where = `${ep.kind}: ${ep.node} (${endpointLabel(ep)})`;
  return ep.token
    ? `${where}: HTTP 401: agent rejected our token; use the token the agent was started with (--token): ${SET_TOKEN_HINT}`
    : `${where}: HTTP 401: agent wants a token; configure the token the agent was started with (--token): ${SET_TOKEN_HINT}`;
}

/**
 * The partial's size on the node after a cut PUT (one HEAD, bounded by the connect timeout), or
 * undefined when the agent cannot be asked. Read early it may miss the agent's last writes: it
 * never overstates what is there.
 */
async function partialOnNode(ep: AgentEndpoint, urlPath: string, boundMs: number, signal: AbortSignal): Promise<number | undefined> {
  const head = await agentRequest(ep, { method: 'HEAD', path: urlPath, connectTimeoutMs: boundMs, totalTimeoutMs: boundMs }, signal);
  return head.ok && (head.value.status === 200 || head.value.status === 404) ? (headerNumber(head.value, 'x-partial-size') ?? 0) : undefined;
}

/** A partial no longer than the file can be resumed; anything else starts over. */
function resumePoint(partial: number | undefined, size: number): number {
  return partial !== undefined && partial <= size ? partial : 0;
}

/** What an agent's non-success answer means for the operator: code and a line to act on. */
function refusalOf(reply: AgentReply, ep: AgentEndpoint, rel: string): { code: AgentRefusal; message: string } | undefined {
  const where = `${ep.kind}: ${ep.node} (${endpointLabel(ep)})`;
  const body = parseBody(reply);
  const said = body.error ? `: ${body.error}` : '';
  switch (reply.status) {
    case 200:
    case 201:
    case 202:
      return undefined;
    case 400:
      return { code: body.code === 'bad_path' ? 'bad_path' : 'bad_request', message: `${where} refused ${rel}${said || ' (HTTP 400)'}` };
    case 401:
      return { code: 'unauthorized', message: unauthorizedMessage(ep) };
    case 404:
      return { code: 'not_found', message: `${where} has no /files/ endpoint (HTTP 404): is this a ringrift agent?` };
    case 409:
      return { code: body.code === 'busy' ? 'busy' : 'conflict', message: `${where} refused ${rel} (HTTP 409)${said}` };
    case 422:
      return { code: 'checksum_mismatch', message: `${where}: the bytes that arrived do not hash to the local file's sha256 (HTTP 422)${said}` };
    case 507: {
      const free = body.freeBytes ?? headerNumber(reply, 'x-free-bytes');
      const needed = body.neededBytes ?? headerNumber(reply, 'x-needed-bytes');
      const figures = free !== undefined && needed !== undefined ? `${mib(needed)} needed, ${mib(free)} free` : 'not enough space';
      const kept = body.partialSize !== undefined ? `the ${mib(body.partialSize)} received stay as a partial` : 'nothing was written';
      return { code: 'disk_full', message: `${where}: disk full for ${rel}: ${figures}; ${kept}; free space on the node and retry` };
    }
    default:
      return { code: 'http_error', message: `${where} answered HTTP ${reply.status} for ${rel}${said}` };
  }
}
