import type * as http from 'node:http';
import { setMaxListeners } from 'node:events';
import { coveredBytes, missingRanges, parseRanges, rangeBytesFor, type ByteRange } from '../../byteRanges';
import { agentRequest, endpointLabel, type AgentEndpoint, type AgentReply } from './agentRequest';
import { headerNumber, parseBody, refusalOf, type AgentErrorBody } from './agentReplies';
import { RANGED_HEADERS } from './rangedPutProtocol';
import type { PushMeter } from '../rangeProgress';
import { RangeSender, type RangedFile, type SendFailure } from './rangeSender';
import { StreamScaler, type StreamsSetting } from '../streamCount';
import type { PartialProgress } from '../transport';

const MiB = 1 << 20;
/** Send-then-commit rounds: a second one sends what the agent says is still missing at commit. */
const ROUNDS = 2;
/** Listeners one push puts on its signal at most: a request per stream, and a few more. */
const MAX_LISTENERS = 64;

/** The ranges a HEAD (or a 409 ranges_missing) says the node holds of this very file; [] for another transfer. */
function rangesHeld(reply: AgentReply, f: Pick<RangedFile, 'size' | 'sha256'>): ByteRange[] {
  const h = reply.headers;
  const total = headerNumber(reply, RANGED_HEADERS.totalSize);
  const sha = h[RANGED_HEADERS.sha256];
  const ofThisFile = reply.status === 409 || (total === f.size && sha === f.sha256);
  const done = h[RANGED_HEADERS.done];
  return ofThisFile && typeof done === 'string' ? (parseRanges(done, f.size) ?? []) : [];
}

export interface RangedPushDeps {
  ep: AgentEndpoint;
  f: RangedFile;
  streams: StreamsSetting;
  /** The node's round trip, when a connect measured it: the stream scaler's look at one stream's window. */
  rttMs?: number;
  timing: { connectTimeoutMs: number; idleTimeoutMs: number };
  meter: PushMeter;
  signal: AbortSignal;
}

/** How a ranged push ended: the agent's 201 body, or a failure with what moved on the node. */
export type RangedOutcome =
  | { ok: true; landed: AgentErrorBody; streams: number }
  | (SendFailure & { ok: false; partial?: PartialProgress });

/**
 * One file as ranges over several connections, then a commit. Starts from the ranges the node
 * already holds (from `head`), so a retry sends only the missing ones; a commit answered 409
 * `ranges_missing` sends those and commits once more.
 */
export async function pushRanged(d: RangedPushDeps, head: AgentReply): Promise<RangedOutcome> {
  // Every concurrent request listens on the signal: a signal of our own, with room for them all,
  // so a push of many streams does not trip node's listener-leak warning on the caller's.
  const own = new AbortController();
  setMaxListeners(MAX_LISTENERS, own.signal);
  const onAbort = () => own.abort();
  if (d.signal.aborted) own.abort();
  d.signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await sendAndCommit({ ...d, signal: own.signal }, head);
  } finally {
    d.signal.removeEventListener('abort', onAbort);
  }
}

async function sendAndCommit(d: RangedPushDeps, head: AgentReply): Promise<RangedOutcome> {
  const scaler = new StreamScaler(d.streams, { rttMs: d.rttMs });
  let held = rangesHeld(head, d.f);
  const before = coveredBytes(held);
  let peak = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const sender = new RangeSender({ ...d, scaler }, missingRanges(held, d.f.size, rangeBytesFor(d.f.size)), coveredBytes(held));
    const failed = await sender.run();
    peak = Math.max(peak, sender.peakStreams);
    if (failed) sender.closeKept();
    if (failed) {
      const after = (await bytesHeldNow(d)) ?? coveredBytes(held) + sender.progress.landedBytes;
      return { ok: false, ...failed, ...(after > before ? { partial: { before, after } } : {}) };
    }
    const c = await commit(d, sender.kept);
    sender.closeKept();
    if (!c.ok) return { ok: false, code: c.code, message: c.message };
    if (c.value.status === 201) return { ok: true, landed: parseBody(c.value), streams: Math.max(1, peak) };
    held = rangesHeld(c.value, d.f);
  }
  return { ok: false, code: 'conflict', message: `${where(d.ep)}: ${d.f.rel} still lacked ranges at commit after ${ROUNDS} rounds; another client may be writing it` };
}

/**
 * What the node holds of this file after a failed round, by HEAD: it keeps the received part of a
 * cut range too, which no reply confirmed. Undefined when cancelled or when the node cannot say.
 */
async function bytesHeldNow(d: RangedPushDeps): Promise<number | undefined> {
  if (d.signal.aborted) return undefined;
  const { connectTimeoutMs } = d.timing;
  const r = await agentRequest(d.ep, { method: 'HEAD', path: d.f.urlPath, connectTimeoutMs, totalTimeoutMs: 2 * connectTimeoutMs }, d.signal);
  return r.ok && r.value.status < 500 ? coveredBytes(rangesHeld(r.value, d.f)) : undefined;
}

/** The commit PUT (on the last range's connection when it is kept): a 201, a 409 `ranges_missing` (another round), or the failure it means. */
async function commit(d: RangedPushDeps, lastStream: http.Agent | undefined) {
  const headers = { [RANGED_HEADERS.commit]: 1, 'X-Total-Size': d.f.size, 'X-Sha256': d.f.sha256, 'Content-Length': 0 };
  // Hashing the whole partial on the node takes a while for a big file: bounded by silence, with a long one.
  const call = { method: 'PUT' as const, path: d.f.urlPath, headers, connectTimeoutMs: d.timing.connectTimeoutMs, idleTimeoutMs: commitBoundMs(d), socketPool: lastStream };
  const r = await agentRequest(d.ep, call, d.signal);
  if (!r.ok) return { ok: false as const, code: r.code, message: `${r.message} while committing ${d.f.rel} on ${d.ep.node}` };
  const missing = r.value.status === 409 && parseBody(r.value).code === 'ranges_missing';
  if (r.value.status === 201 || missing) return { ok: true as const, value: r.value };
  const refusal = refusalOf(r.value, d.ep, `${d.f.rel} (commit)`) ?? { code: 'http_error' as const, message: `${where(d.ep)} answered HTTP ${r.value.status} to the commit of ${d.f.rel}` };
  return { ok: false as const, ...refusal };
}

/** The idle bound, plus a second per 100 MiB the agent hashes before it answers (a slow disk reads ~100 MiB/s). */
function commitBoundMs(d: RangedPushDeps): number {
  return d.timing.idleTimeoutMs + Math.ceil(d.f.size / (100 * MiB)) * 1000;
}

function where(ep: AgentEndpoint): string {
  return `${ep.kind}: ${ep.node} (${endpointLabel(ep)})`;
}
