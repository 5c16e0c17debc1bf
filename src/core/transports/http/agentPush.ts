import * as fs from 'node:fs';
import { describeError } from '../../result';
import { agentRequest, endpointLabel, type AgentEndpoint, type AgentReply, type RequestFailure } from './agentRequest';
import { headerNumber, mib, parseBody, refusalOf, type AgentErrorBody, type AgentRefusal } from './agentReplies';
import { progressTicker } from '../progressTicker';
import { uploadOnce } from './agentUpload';
import type { LocalHashFailure } from '../hashWorker';
import { httpRemotePath, type RemotePathError } from '../remotePath';
import { pushRanged } from './rangedPush';
import type { PushMeter } from '../rangeProgress';
import { fileCellHashes, fileKey as keyOf, forgetSha, recallSha, rememberSha, type StartedCellHashes } from '../cellHashCache';
import { DEFAULT_STREAMS, rangesWanted } from '../streamCount';
import { bytesPerSecond, type PushFailure, type PushJob, type PushProgress, type PushResult, type TransportOptions } from '../transport';

/** PUT attempts per push: a stale offset (409), a busy target or a partial that was not our prefix (422) costs one each. */
const MAX_PUTS = 4;
/** Wait before retrying a target another upload holds (often our own cancelled one, still closing). */
const BUSY_RETRY_MS = 300;


/** Every code a push to our agent reports. */
export type AgentPushFailure = RequestFailure | RemotePathError | LocalHashFailure | AgentRefusal;

/** `/files/` plus each segment percent-encoded: spaces, quotes, `$()`, `;` travel as data. */
export function filesUrlPath(rel: string): string {
  return '/files/' + rel.split('/').map(encodeURIComponent).join('/');
}

/**
 * A push over the agent protocol, shared by the p2p and http transports: HEAD first (same size
 * there: hash and maybe skip; a partial waits: resume from it), then one streaming PUT. A file's
 * first push hashes it on a worker thread while sending (the sha256 goes as a trailer), so hashing
 * adds no wait; later pushes of the same file send the remembered sha256 as a header. Re-planned
 * on 409 (offset moved, target busy), restarted once from 0 on 422 (the partial was not this
 * file's prefix, or the remembered hash was stale). A big file to an agent that speaks
 * `ranged_put` goes as ranges over several connections instead (rangedPush.ts) when rangesWanted
 * says so. Never throws.
 */
export async function pushToAgent(ep: AgentEndpoint, opts: TransportOptions, job: PushJob, progress: PushProgress, signal: AbortSignal, speaks: AgentSpeaks = { rangedPut: false }): Promise<PushResult> {
  const t0 = Date.now();
  const failure = (code: AgentPushFailure, message: string): PushFailure => ({ ok: false, transport: ep.kind, code, message, durationMs: Date.now() - t0 });
  const rel = httpRemotePath(job.remotePath);
  if (!rel.ok) return failure(rel.code, `${ep.kind}: ${rel.message}`);
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(job.localPath);
    if (!st.isFile()) return failure('local_read_failed', `${job.localPath} is not a regular file`);
  } catch (err) {
    return failure('local_read_failed', `cannot read ${job.localPath}: ${describeError(err)}`);
  }
  const push = new AgentPushRun(ep, opts, { file: job.localPath, rel: rel.value, size: st.size, fileKey: keyOf(st), st }, progress, signal, t0, failure, speaks);
  try {
    return await push.run();
  } finally {
    push.stopTicker();
  }
}

/** What the agent's /health says it takes beyond the resumable PUT. */
export interface AgentSpeaks {
  /** The `ranged_put` extension: a big file goes as ranges over several connections (rangedPush.ts). */
  rangedPut: boolean;
  /** How long the GET /health that told this took to connect (one round trip), when it connected. */
  healthConnectMs?: number;
}

/** The local file of one push and where it goes. */
interface PushedFile {
  file: string;
  rel: string;
  size: number;
  fileKey: string;
  st: fs.Stats;
}

/** One push's state: bytes on the node and sent, the file's sha256 as known so far. */
class AgentPushRun {
  private readonly where: string;
  private readonly urlPath: string;
  private readonly timing: { connectTimeoutMs: number; idleTimeoutMs: number };
  private readonly report: () => void;
  readonly stopTicker: () => void;
  private readonly meter: PushMeter = { onNode: 0, sent: 0 };
  /** Connections the push used at once (ranges: the most that ran together). */
  private streamsUsed = 1;
  private sha: string | undefined;
  /** The sha256 recalled from an earlier push of the file, until it proves stale. */
  private remembered: string | undefined;
  /** The file's sha256 being read for the ranges or the skip check (a single PUT hashes what it sends). */
  private hashing: StartedCellHashes | undefined;

  constructor(
    private readonly ep: AgentEndpoint,
    private readonly opts: TransportOptions,
    private readonly f: PushedFile,
    progress: PushProgress,
    private readonly signal: AbortSignal,
    private readonly t0: number,
    private readonly failure: (code: AgentPushFailure, message: string) => PushFailure,
    private readonly speaks: AgentSpeaks,
  ) {
    this.where = `${ep.kind}: ${ep.node} (${endpointLabel(ep)})`;
    this.urlPath = filesUrlPath(f.rel);
    this.timing = { connectTimeoutMs: opts.connectTimeoutMs, idleTimeoutMs: opts.idleTimeoutMs };
    ({ report: this.report, stop: this.stopTicker } = progressTicker(progress, () => ({ done: this.meter.onNode, total: f.size })));
    this.sha = this.remembered = recallSha(f.fileKey);
  }

  /** HEAD: refused, already there (skip), or where to start the PUTs. */
  async run(): Promise<PushResult> {
    const { ep, f } = this;
    // Ranges are named by the file's sha256: read beside the HEAD when /health makes ranges likely.
    if (!this.sha && this.speaks.rangedPut && rangesWanted(f.size, this.streams, this.speaks.healthConnectMs)) this.hashing = this.hashStart();
    const head = await agentRequest(ep, { method: 'HEAD', path: this.urlPath, ...this.timing }, this.signal);
    if (!head.ok) return this.failure(head.code, head.message);
    const refusal = refusalOf(head.value, ep, f.rel);
    if (refusal && head.value.status !== 404) return this.failure(refusal.code, refusal.message);
    if (head.value.status === 200 && headerNumber(head.value, 'x-size') === f.size) {
      const bad = await this.hashFirst();
      if (bad) return bad;
      if (head.value.headers['x-sha256'] === this.sha) return this.done(true);
    }
    if (this.speaks.rangedPut && rangesWanted(f.size, this.streams, this.roundTripMs(head.value))) return this.sendRanges(head.value);
    this.hashing?.drop(); // a single PUT hashes the bytes it sends
    return this.putUntilDone(resumePoint(headerNumber(head.value, 'x-partial-size'), f.size));
  }

  /**
   * The node's round trip: the shorter of the GET /health's and the HEAD's connects. Each also
   * holds this process's event-loop delay, which the shorter one holds least of.
   */
  private roundTripMs(head: AgentReply): number | undefined {
    const seen = [this.speaks.healthConnectMs, head.connectMs].filter((ms) => ms !== undefined);
    return seen.length ? Math.min(...seen) : undefined;
  }

  private hashStart(): StartedCellHashes {
    return fileCellHashes(this.f.file, this.f.st, 0, this.signal);
  }

  private async hashFirst(): Promise<PushFailure | undefined> {
    if (this.sha) return undefined;
    const r = await (this.hashing ??= this.hashStart()).result;
    if (!r.ok) return this.failure(r.code, `${this.ep.kind}: ${r.message}`);
    this.sha = r.value.sha256;
    return undefined;
  }

  private get streams() {
    return this.opts.streams ?? DEFAULT_STREAMS;
  }

  /** The file as ranges over several connections; the whole file's sha256 first (it names the transfer). */
  private async sendRanges(head: AgentReply): Promise<PushResult> {
    const bad = await this.hashFirst();
    if (bad) return bad;
    const { ep, f, meter, signal } = this;
    const file = { file: f.file, rel: f.rel, urlPath: this.urlPath, size: f.size, sha256: this.sha! };
    const r = await pushRanged({ ep, f: file, streams: this.streams, rttMs: this.roundTripMs(head), timing: this.timing, meter, signal }, head);
    if (r.ok) {
      this.streamsUsed = r.streams;
      return this.landed(r.landed);
    }
    if (r.code === 'checksum_mismatch') forgetSha(f.fileKey); // the remembered hash may be stale: hash afresh next time
    return { ...this.failure(r.code, r.message), ...(r.partial ? { partial: r.partial } : {}) };
  }

  private done(skipped: boolean): PushResult {
    const { ep, f, meter } = this;
    meter.onNode = f.size;
    this.report();
    const durationMs = Date.now() - this.t0;
    const rate = skipped ? {} : { streams: this.streamsUsed, rateBytesPerS: bytesPerSecond(meter.sent, durationMs) };
    return { ok: true, transport: ep.kind, bytes: f.size, bytesSent: meter.sent, sha256: this.sha!, durationMs, remotePath: f.rel, ...(skipped ? { skipped } : {}), ...rate };
  }

  /** PUTs from `offset` until one lands, re-planning on 409 and restarting once on 422. */
  private async putUntilDone(offset: number): Promise<PushResult> {
    const { ep, f, where } = this;
    const startedFrom = offset;
    let restarted = false;
    let last = '';
    for (let attempt = 0; attempt < MAX_PUTS; attempt++) {
      const put = await this.putOnce(offset);
      if (!put.ok) return this.cutShort(put, startedFrom);
      const reply = put.value;
      const body = parseBody(reply);
      if (reply.status === 201) return this.landed(body);
      last = refusalOf(reply, ep, f.rel)?.message ?? `HTTP ${reply.status}`;
      if (reply.status === 409 && (body.code === 'offset_mismatch' || body.code === 'busy')) {
        if (body.code === 'busy') await new Promise((r) => setTimeout(r, BUSY_RETRY_MS));
        offset = resumePoint(headerNumber(reply, 'x-partial-size'), f.size);
        continue;
      }
      if (reply.status === 422 && (offset > 0 || this.remembered) && !restarted) {
        // The partial we resumed was not this file's beginning (another version), or the remembered
        // hash was stale: the agent dropped the partial; once more from 0, hashing afresh.
        restarted = true;
        offset = 0;
        if (this.remembered) this.sha = this.remembered = undefined;
        forgetSha(f.fileKey);
        continue;
      }
      const r = refusalOf(reply, ep, f.rel) ?? { code: 'http_error', message: `${where} answered HTTP ${reply.status} to PUT ${f.rel}` };
      return this.failure(r.code, r.message);
    }
    return this.failure('busy', `${where}: gave up on ${f.rel} after ${MAX_PUTS} attempts; another client may be writing it (${last})`);
  }

  /** One streaming PUT from `offset`; a first push learns the file's sha256 from it. */
  private async putOnce(offset: number) {
    this.meter.onNode = offset;
    const plan = { file: this.f.file, urlPath: this.urlPath, size: this.f.size, offset, sha256: this.sha, ...this.timing };
    const { reply, sha256: computed } = await uploadOnce(this.ep, plan, (n) => {
      this.meter.sent += n;
      this.meter.onNode += n;
    }, this.signal);
    if (!this.sha && computed) {
      this.sha = computed;
      rememberSha(this.f.fileKey, computed);
    }
    return reply;
  }

  /** A PUT cut short: the failure, with how far the node's partial moved when the agent says. */
  private async cutShort(put: { code: AgentPushFailure; message: string }, startedFrom: number): Promise<PushFailure> {
    const { f, signal } = this;
    const tail = put.code === 'local_read_failed' ? '' : `; ${mib(this.meter.onNode)} of ${mib(f.size)} on the node, kept as a partial for the next attempt`;
    const cut = this.failure(put.code, `${put.message} while sending ${f.rel}${tail}`);
    if (this.meter.sent === 0 || signal.aborted) return cut;
    // Bytes written to the socket are not bytes on the node's disk: ask the agent what it kept.
    const after = await partialOnNode(this.ep, this.urlPath, this.opts.connectTimeoutMs, signal);
    return after === undefined ? cut : { ...cut, partial: { before: startedFrom, after } };
  }

  /** A 201: the agent's stored size and sha256 must be the file's. */
  private landed(body: AgentErrorBody): PushResult {
    const { f, where } = this;
    if (body.sha256 !== this.sha || body.size !== f.size) {
      return this.failure('checksum_mismatch', `${where} stored ${f.rel} as ${body.size} bytes sha256 ${body.sha256}, expected ${f.size} bytes sha256 ${this.sha}`);
    }
    return this.done(false);
  }
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
