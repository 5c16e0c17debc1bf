import type { NodeSpec, TransportKind } from '../hosts/nodeSpec';
import type { ProbeResult, PushJob, PushLimit, PushSuccess, Transport } from '../transports/transport';
import type { EscalationPlan } from './escalationPlan';
import type { RouterEvent } from './eventLog';
import type { RouterSettings } from './routerSettings';

/**
 * Walks an escalation plan for one node: the runbook's "try p2p, then http, then rsync, then
 * base64". Probes run ahead of the walk (staggered), so a node whose ports all hang costs about
 * one probe timeout, not one per transport. Writes nothing: returns attempts and
 * events for the router to record under one state update.
 */

export interface Attempt {
  transport: TransportKind;
  result: 'ok' | 'failed' | 'skipped';
  error?: string;
  durationMs: number;
  /** The failure came from the probe (so it refreshes `lastProbe`). */
  probe?: ProbeResult;
  /**
   * The transport is healthy but this file does not fit one of its server's limits (refused before
   * any byte, or by the server's answer): shown in the attempts, never counted as a failure.
   */
  limit?: PushLimit;
}

export interface WalkOutcome {
  attempts: Attempt[];
  success?: PushSuccess;
  events: Array<Omit<RouterEvent, 'time' | 'node'>>;
}

export interface WalkContext {
  node: NodeSpec;
  plan: EscalationPlan;
  job: PushJob;
  transports: Record<TransportKind, Transport>;
  settings: RouterSettings;
  signal: AbortSignal;
  clock: () => number;
  onProgress?: (transport: TransportKind, done: number, total: number) => void;
}

export async function walkPlan(ctx: WalkContext): Promise<WalkOutcome> {
  const { node, plan, settings, signal } = ctx;
  const attempts: Attempt[] = [];
  const events: WalkOutcome['events'] = [];

  // Probe every transport the walk may reach, staggered like Happy Eyeballs: the next one starts
  // when the walk reaches it or `probeStaggerMs` later, whichever is first. A healthy node costs one
  // probe; a silent one costs one probe timeout (plus the stagger), not one per transport.
  const probesDone = new AbortController();
  const stopProbes = () => probesDone.abort();
  signal.addEventListener('abort', stopProbes, { once: true });
  const preflight = new Map<TransportKind, Promise<ProbeResult>>();
  const startProbe = (kind: TransportKind) => {
    if (!preflight.has(kind)) preflight.set(kind, ctx.transports[kind].probe(node, probesDone.signal));
    return preflight.get(kind)!;
  };
  const timers = plan.steps
    .filter((step) => !step.skip)
    .map((step, i) => setTimeout(() => startProbe(step.transport), i * settings.probeStaggerMs));

  const queue = [...plan.steps];
  let firstFailureSeen = false;
  try {
    while (queue.length > 0 && !signal.aborted) {
      const step = queue.shift()!;
      if (step.skip) {
        attempts.push({ transport: step.transport, result: 'skipped', error: step.skip, durationMs: 0 });
        continue;
      }
      let limit: PushLimit | undefined;
      for (let round = 1; round <= settings.failoverThreshold && !limit; round++) {
        const attempt = await tryTransport(ctx, step.transport, round === 1 ? startProbe(step.transport) : undefined);
        attempts.push(attempt.attempt);
        if (attempt.success) {
          stopProbes();
          events.push({ type: 'SYNC_COMPLETED', transport: step.transport, bytes: attempt.success.bytes, durationMs: attempt.success.durationMs });
          return { attempts, success: attempt.success, events };
        }
        limit = attempt.attempt.limit;
        if (signal.aborted) break;
      }
      if (signal.aborted) break;
      if (limit) {
        // A file that does not fit this transport is the next one's: no stall, no backup reordering.
        const next = queue.find((s) => !s.skip);
        if (next) events.push({ type: 'SYNC_RETRY_REQUESTED', transport: next.transport, from: step.transport, limit });
        continue;
      }

      // Runbook: after the threshold, the sync is stalled on this transport and retried on the next.
      if (!firstFailureSeen && settings.backupTransport) {
        const i = queue.findIndex((s) => s.transport === settings.backupTransport && !s.skip);
        if (i > 0) queue.unshift(...queue.splice(i, 1));
      }
      firstFailureSeen = true;
      const next = queue.find((s) => !s.skip);
      events.push({ type: 'SYNC_STALLED', transport: step.transport, failures: settings.failoverThreshold, error: attempts.at(-1)?.error });
      if (next) events.push({ type: 'SYNC_RETRY_REQUESTED', transport: next.transport, from: step.transport });
    }
  } finally {
    timers.forEach(clearTimeout);
    signal.removeEventListener('abort', stopProbes);
    stopProbes();
  }
  return { attempts, events };
}

async function tryTransport(
  ctx: WalkContext,
  kind: TransportKind,
  preflight: Promise<ProbeResult> | undefined,
): Promise<{ attempt: Attempt; success?: PushSuccess }> {
  const started = ctx.clock();
  const transport = ctx.transports[kind];
  const probe = await (preflight ?? transport.probe(ctx.node, ctx.signal));
  if (!probe.success) {
    return { attempt: { transport: kind, result: 'failed', error: probe.message, durationMs: ctx.clock() - started, probe } };
  }
  const pushed = await transport.push(ctx.node, ctx.job, (done, total) => ctx.onProgress?.(kind, done, total), ctx.signal);
  const durationMs = ctx.clock() - started;
  if (pushed.ok) return { attempt: { transport: kind, result: 'ok', durationMs }, success: pushed };
  return { attempt: { transport: kind, result: 'failed', error: pushed.message, durationMs, ...(pushed.limit ? { limit: pushed.limit } : {}) } };
}
