import type { NodeSpec, TransportKind } from '../hosts/nodeSpec';
import { progressOf, type ProbeResult, type PushJob, type PushLimit, type PushSuccess, type Transport } from '../transports/transport';
import type { TransportFailureCode } from '../transports/failureCodes';
import { inOwnRound, ProbeRound } from '../transports/probeRound';
import type { EscalationPlan } from './escalationPlan';
import type { RouterEvent } from './eventLog';
import type { RouterSettings } from './routerSettings';

/**
 * Walks an escalation plan for one node: the runbook's "try p2p, then http, then rsync, then
 * base64". Probes run ahead of the walk (staggered), so a node whose ports all hang costs about
 * one probe timeout, not one per transport. A try that moved the node's partial forward is not a
 * failure: the same transport resumes from it while the sync's resume budget lasts. Writes
 * nothing: returns attempts and events for the router to record under one state update.
 */

export interface Attempt {
  transport: TransportKind;
  result: 'ok' | 'failed' | 'skipped';
  error?: string;
  /** Why a failed try failed, as the transport's probe or push named it (`sync --json` consumers match on it). */
  code?: TransportFailureCode;
  durationMs: number;
  /** The failure came from the probe (so it refreshes `lastProbe`). */
  probe?: ProbeResult;
  /**
   * The transport is healthy but this file does not fit one of its server's limits (refused before
   * any byte, or by the server's answer): shown in the attempts, never counted as a failure.
   */
  limit?: PushLimit;
  /**
   * Bytes this try moved onto the node: for a failed try, how far the node's partial advanced as
   * the transport read it back (present only when it could read it); for an ok try, bytes sent.
   */
  bytesMoved?: number;
  /** The node's partial after a failed try whose transport read it: where the next try resumes. */
  partialBytes?: number;
  /** The walk made this try because the one before it moved the partial: it resumes from there. */
  resumed?: true;
}

export interface WalkOutcome {
  attempts: Attempt[];
  success?: PushSuccess;
  events: Array<Omit<RouterEvent, 'time' | 'node'>>;
  /** The last try moved the partial but the resume budget was spent: the sync ends, not escalated. */
  resumeBudgetSpent?: true;
}

export interface WalkContext {
  node: NodeSpec;
  plan: EscalationPlan;
  job: PushJob;
  transports: Record<TransportKind, Transport>;
  settings: RouterSettings;
  /** How long, from the walk's start, a transport whose tries move the partial keeps resuming. */
  resumeBudgetMs: number;
  signal: AbortSignal;
  clock: () => number;
  onProgress?: (transport: TransportKind, done: number, total: number) => void;
}

/** A failed try that moved the node's partial forward: resumed, never counted as a failure. */
export function madeProgress(a: Pick<Attempt, 'result' | 'bytesMoved'>): boolean {
  return a.result === 'failed' && (a.bytesMoved ?? 0) > 0;
}

export async function walkPlan(ctx: WalkContext): Promise<WalkOutcome> {
  const { settings, signal } = ctx;
  const started = ctx.clock();
  const out: WalkOutcome = { attempts: [], events: [] };
  const probes = startProbes(ctx);
  const prepared = new Set<() => void>();
  const queue = [...ctx.plan.steps];
  let firstFailureSeen = false;
  try {
    while (queue.length > 0 && !signal.aborted) {
      const step = queue.shift()!;
      if (step.skip) {
        out.attempts.push({ transport: step.transport, result: 'skipped', error: step.skip, durationMs: 0 });
        continue;
      }
      const end = await walkStep(ctx, step.transport, probes, started, out, prepared);
      if (end.kind === 'success') {
        probes.stop();
        out.events.push({ type: 'SYNC_COMPLETED', transport: step.transport, bytes: end.success.bytes, durationMs: end.success.durationMs });
        return { ...out, success: end.success };
      }
      if (end.kind === 'cancelled') break;
      if (end.kind === 'budget') return { ...out, resumeBudgetSpent: true };
      const next = () => queue.find((s) => !s.skip);
      if (end.kind === 'limit') {
        // A file that does not fit this transport is the next one's: no stall, no backup reordering.
        const to = next();
        if (to) out.events.push({ type: 'SYNC_RETRY_REQUESTED', transport: to.transport, from: step.transport, limit: out.attempts.at(-1)?.limit });
        continue;
      }
      // Runbook: after the threshold, the sync is stalled on this transport and retried on the next.
      if (!firstFailureSeen && settings.backupTransport) {
        const i = queue.findIndex((s) => s.transport === settings.backupTransport && !s.skip);
        if (i > 0) queue.unshift(...queue.splice(i, 1));
      }
      firstFailureSeen = true;
      const to = next();
      out.events.push({ type: 'SYNC_STALLED', transport: step.transport, failures: end.failures, error: out.attempts.at(-1)?.error });
      if (to) out.events.push({ type: 'SYNC_RETRY_REQUESTED', transport: to.transport, from: step.transport });
    }
  } finally {
    probes.dispose();
    prepared.forEach((end) => end());
  }
  return out;
}

/**
 * Probes every transport the walk may reach, staggered like Happy Eyeballs: the next one starts
 * when the walk reaches it or `probeStaggerMs` later, whichever is first. A healthy node costs one
 * probe; a silent one costs one probe timeout (plus the stagger), not one per transport.
 */
function startProbes(ctx: WalkContext) {
  const done = new AbortController();
  const stop = () => done.abort();
  ctx.signal.addEventListener('abort', stop, { once: true });
  const preflight = new Map<TransportKind, Promise<ProbeResult>>();
  const round = new ProbeRound(done.signal);
  const start = (kind: TransportKind) => {
    if (!preflight.has(kind)) preflight.set(kind, ctx.transports[kind].probe(ctx.node, done.signal, round));
    return preflight.get(kind)!;
  };
  const timers = ctx.plan.steps
    .filter((step) => !step.skip)
    .map((step, i) => setTimeout(() => start(step.transport), i * ctx.settings.probeStaggerMs));
  const dispose = () => {
    timers.forEach(clearTimeout);
    ctx.signal.removeEventListener('abort', stop);
    stop();
    round.close();
  };
  return { start, stop, dispose, round };
}

type Probes = ReturnType<typeof startProbes>;

type StepEnd =
  | { kind: 'success'; success: PushSuccess }
  | { kind: 'limit' }
  | { kind: 'stalled'; failures: number }
  | { kind: 'budget' }
  | { kind: 'cancelled' };

/**
 * One transport's tries: again from the partial while each try moves it forward (until the resume
 * budget is spent), and up to `failoverThreshold` consecutive tries that move nothing. Only those
 * count as failures.
 */
async function walkStep(ctx: WalkContext, kind: TransportKind, probes: Probes, started: number, out: WalkOutcome, prepared: Set<() => void>): Promise<StepEnd> {
  let stalls = 0;
  let resuming = false;
  for (;;) {
    // Before the probe starts, so a probe may ride what the push's preparation opens.
    const end = ctx.transports[kind].prepare?.(ctx.node, ctx.job, ctx.signal);
    if (end) prepared.add(end);
    // A resume follows a try that just reached the node: no probe. A plain retry probes afresh.
    const probe = resuming ? 'none' : stalls === 0 ? probes.start(kind) : 'fresh';
    // A push right after its preflight may run on the preflight's login (a failed push closes it).
    const tried = await tryTransport(ctx, kind, probe, probe === 'none' || probe === 'fresh' ? undefined : probes.round);
    if (resuming) tried.attempt.resumed = true;
    out.attempts.push(tried.attempt);
    if (tried.success) return { kind: 'success', success: tried.success };
    if (tried.attempt.limit) return { kind: 'limit' };
    if (ctx.signal.aborted) return { kind: 'cancelled' };
    resuming = madeProgress(tried.attempt);
    if (!resuming) {
      if (++stalls >= ctx.settings.failoverThreshold) return { kind: 'stalled', failures: stalls };
      continue;
    }
    if (ctx.clock() - started >= ctx.resumeBudgetMs) return { kind: 'budget' };
    stalls = 0;
    const { bytesMoved, partialBytes } = tried.attempt;
    out.events.push({ type: 'SYNC_RESUMED', transport: kind, bytesMoved, partialBytes, error: tried.attempt.error });
  }
}

async function tryTransport(
  ctx: WalkContext,
  kind: TransportKind,
  preflight: Promise<ProbeResult> | 'fresh' | 'none',
  round: ProbeRound | undefined,
): Promise<{ attempt: Attempt; success?: PushSuccess }> {
  const started = ctx.clock();
  const transport = ctx.transports[kind];
  if (preflight !== 'none') {
    const probe = await (preflight === 'fresh' ? inOwnRound(ctx.signal, (round) => transport.probe(ctx.node, ctx.signal, round)) : preflight);
    if (!probe.success) {
      return { attempt: { transport: kind, result: 'failed', error: probe.message, ...(probe.code ? { code: probe.code } : {}), durationMs: ctx.clock() - started, probe } };
    }
  }
  const pushed = await transport.push(ctx.node, ctx.job, (done, total) => ctx.onProgress?.(kind, done, total), ctx.signal, round);
  const durationMs = ctx.clock() - started;
  if (pushed.ok) return { attempt: { transport: kind, result: 'ok', durationMs, bytesMoved: pushed.bytesSent }, success: pushed };
  const attempt: Attempt = { transport: kind, result: 'failed', error: pushed.message, code: pushed.code, durationMs };
  if (pushed.limit) attempt.limit = pushed.limit;
  if (pushed.partial) Object.assign(attempt, { bytesMoved: progressOf(pushed), partialBytes: pushed.partial.after });
  return { attempt };
}
