import * as fs from 'node:fs';
import type { NodeSpec, TransportKind } from '../hosts/nodeSpec';
import { relaySkip, syncOrder } from '../hosts/relayMode';
import { fail, ok, type Result } from '../result';
import type { PushJob, Transport } from '../transports/transport';
import { formatBytes } from '../units';
import { computeAlerts, computeStats, type Alert, type ClusterStats } from './clusterHealth';
import { nextUpgradeBackoff, planEscalation, type EscalationPlan, type LargeFileRoute } from './escalationPlan';
import type { EventLog, RouterEvent } from './eventLog';
import { mapWithConcurrency } from './pool';
import { nodeState, pushHistory, recordBigPush, recordFailure, recordSuccess, transportRecord, type HistoryEntry, type NodeState, type RouterState } from './routerState';
import { resumeBudgetFor, type RouterSettings } from './routerSettings';
import type { StateStore } from './stateStore';
import { whyNotTarget } from './syncTarget';
import { madeProgress, walkPlan, type Attempt, type WalkOutcome } from './syncWalk';

export interface RouterDeps {
  nodes: NodeSpec[];
  transports: Record<TransportKind, Transport>;
  store: StateStore;
  events: EventLog;
  settings: RouterSettings;
  clock?: () => number;
}

/** One node's sync result: DESIGN.md's `sync` JSON, plus a message a human reads. */
export interface SyncResult {
  node: string;
  success: boolean;
  transportUsed: TransportKind | null;
  bytes: number;
  sha256: string | null;
  disabled: boolean;
  attempts: Array<Omit<Attempt, 'probe'>>;
  message: string;
  remotePath?: string;
  bytesSent?: number;
  /** Tries that resumed from a partial the try before them moved forward (Attempt.resumed). */
  resumedTries?: number;
  /** TCP connections the landing push used at once (PushSuccess.streams). */
  streams?: number;
  /** Its bytes sent per second (PushSuccess.rateBytesPerS); named as the JSON of `sync --json` has it. */
  rate_bytes_per_s?: number;
  /** Set when this large file went to an SSH rung before the runbook order (escalationPlan.ts rule 6): which, and why. */
  largeFileRoute?: LargeFileRoute;
}

export interface SyncOptions {
  forceTransport?: TransportKind;
  signal: AbortSignal;
  onProgress?: (node: string, transport: TransportKind, done: number, total: number) => void;
}

export type NodeLookupError = 'unknown_node' | 'unknown_transport';

/** The runbook's sync router: escalation, disabling, recovery, stats, alerts. */
export class SyncRouter {
  readonly clock: () => number;
  constructor(readonly deps: RouterDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  node(name: string): Result<NodeSpec, NodeLookupError> {
    const node = this.deps.nodes.find((n) => n.name === name);
    if (node) return ok(node);
    return fail('unknown_node', `no node '${name}' in the hosts file (nodes: ${this.deps.nodes.map((n) => n.name).join(', ') || 'none'})`);
  }

  /** Pushes one file to one node, escalating through its chain; disables it when all fail. */
  async sync(node: NodeSpec, job: PushJob, opts: SyncOptions): Promise<SyncResult> {
    const { settings, store } = this.deps;
    const base = { node: node.name, transportUsed: null, bytes: 0, sha256: null, attempts: [] };
    const refusal = whyNotTarget(node, opts.forceTransport !== undefined);
    if (refusal) return { ...base, success: false, disabled: false, message: `not synced: ${refusal}` };
    const before = store.read().nodes[node.name];
    const disabled = before ? !before.enabled : false;
    if (disabled && !opts.forceTransport) {
      return {
        ...base,
        success: false,
        disabled: true,
        message: `skipped: disabled since ${before?.disabledAt} (${before?.reason}); run 'ringrift-sync reenable ${node.name}' after fixing it`,
      };
    }

    // A directory (a tree sync) has no size of its own: not a large file.
    const size = await fs.promises.stat(job.localPath).then((st) => (st.isFile() ? st.size : 0), () => 0);
    const plan = planEscalation(node, before, settings, this.clock(), size, opts.forceTransport);
    const outcome = await walkPlan({
      node,
      plan,
      job,
      transports: this.deps.transports,
      settings,
      resumeBudgetMs: resumeBudgetFor(settings, size),
      signal: opts.signal,
      clock: this.clock,
      onProgress: (t, done, total) => opts.onProgress?.(node.name, t, done, total),
    });
    const verdict = judge(outcome, opts);
    const after = await this.record(node, plan, outcome, verdict, opts);
    const s = outcome.success;
    return {
      node: node.name,
      success: Boolean(s),
      transportUsed: s?.transport ?? null,
      bytes: s?.bytes ?? 0,
      sha256: s?.sha256 ?? null,
      disabled: !after.enabled,
      attempts: outcome.attempts.map(({ probe: _probe, ...a }) => a),
      resumedTries: outcome.attempts.filter((a) => a.resumed).length,
      remotePath: s?.remotePath,
      bytesSent: s?.bytesSent,
      streams: s?.streams,
      rate_bytes_per_s: s?.rateBytesPerS,
      ...(plan.largeFileRoute ? { largeFileRoute: plan.largeFileRoute } : {}),
      message: resultMessage(node.name, outcome, verdict, disabled, opts) + routeNote(plan.largeFileRoute),
    };
  }

  /** Records a walk under one state update (history, failures, disabling), then emits its events. */
  private async record(node: NodeSpec, plan: EscalationPlan, outcome: WalkOutcome, verdict: Verdict, opts: SyncOptions): Promise<NodeState> {
    const now = this.clock();
    const events: RouterEvent[] = outcome.events.map((e) => ({ ...e, time: new Date(now).toISOString(), node: node.name }) as RouterEvent);
    const after = await this.deps.store.update((state) => {
      const ns = nodeState(state, node.name);
      recordAttempts(ns, outcome.attempts, now);
      // Forced pushes measure too: `--force-transport rsync` is how an operator measures a rung.
      if (outcome.success) recordBigPush(ns, outcome.success, now);
      const routed = outcome.success !== undefined && outcome.success.transport === plan.largeFileRoute?.first;
      if (outcome.success && (opts.forceTransport || verdict.limited || routed)) {
        // A manual override, a file too big or odd for a better transport, or a large file sent
        // first over SSH proves the transport works; none reroutes later (smaller) syncs.
        transportRecord(ns, outcome.success.transport).consecutiveFailures = 0;
        if (routed) ns.lastSuccessAt = new Date(now).toISOString();
      } else if (outcome.success) {
        const used = outcome.success.transport;
        recordSuccess(ns, used, now);
        // Tries of one transport resuming its partial are not an escalation; moving to another is.
        const transports = new Set(outcome.attempts.filter((a) => a.result !== 'skipped' && !a.limit).map((a) => a.transport));
        if (transports.size > 1) state.escalations = [...state.escalations.filter((t) => now - t < 48 * 3600_000), now];
        this.updateUpgradeBackoff(ns, node, used, plan.upgradeAttempt, now);
      } else if (verdict.exhausted) {
        ns.enabled = false;
        ns.disabledAt = new Date(now).toISOString();
        ns.reason = 'all_transports_exhausted';
        ns.failedTransports = [...new Set(outcome.attempts.map((a) => a.transport))];
        events.push({ type: 'NODE_DISABLED', time: ns.disabledAt, node: node.name, reason: ns.reason, failedTransports: ns.failedTransports });
      }
      return ns;
    });
    for (const e of events) this.deps.events.emit(e);
    return after;
  }

  /** A node that worked on a lower transport retries the better ones with a doubling backoff. */
  private updateUpgradeBackoff(ns: ReturnType<typeof nodeState>, node: NodeSpec, used: TransportKind, upgradeAttempt: boolean, now: number): void {
    const best = syncOrder(node).find((t) => !relaySkip(node, t));
    if (used === best || used === ns.preferredTransport) {
      ns.upgradeRetryAt = undefined;
      ns.upgradeBackoffMs = undefined;
      return;
    }
    if (upgradeAttempt || ns.upgradeRetryAt === undefined) {
      const backoff = upgradeAttempt ? nextUpgradeBackoff(ns.upgradeBackoffMs, this.deps.settings) : this.deps.settings.upgradeBackoffMinMs;
      ns.upgradeBackoffMs = backoff;
      ns.upgradeRetryAt = now + backoff;
    }
  }

  /**
   * The transport each sync of `nodes` would try first, by node name, as `sync` plans it now;
   * none for a node it would not sync (not a target, disabled).
   */
  firstTransports(nodes: NodeSpec[], forceTransport?: TransportKind): Map<string, TransportKind> {
    const state = this.deps.store.read();
    const first = new Map<string, TransportKind>();
    for (const node of nodes) {
      const before = state.nodes[node.name];
      if (whyNotTarget(node, forceTransport !== undefined) || (before && !before.enabled && !forceTransport)) continue;
      const step = planEscalation(node, before, this.deps.settings, this.clock(), 0, forceTransport).steps.find((s) => !s.skip);
      if (step) first.set(node.name, step.transport);
    }
    return first;
  }

  /** Syncs to many nodes with bounded concurrency; one dead node never delays the others. */
  async syncMany(nodes: NodeSpec[], job: PushJob, opts: SyncOptions & { concurrency?: number }): Promise<SyncResult[]> {
    const limit = opts.concurrency ?? this.deps.settings.concurrency;
    const results = await mapWithConcurrency(nodes, limit, (n) => this.sync(n, job, opts), opts.signal);
    return results.map(
      (r, i) =>
        r ?? { node: nodes[i].name, success: false, transportUsed: null, bytes: 0, sha256: null, disabled: false, attempts: [], message: 'cancelled before it started' },
    );
  }

  status(): { state: RouterState; stats: ClusterStats; alerts: Alert[] } {
    const state = this.deps.store.read();
    const now = this.clock();
    return {
      state,
      stats: computeStats(this.deps.nodes, state, now),
      alerts: computeAlerts(this.deps.nodes, state, now, this.deps.settings.alertThresholds),
    };
  }

  history(node: NodeSpec, limit = 50): HistoryEntry[] {
    const ns = this.deps.store.read().nodes[node.name];
    return ns ? ns.history.slice(-limit).reverse() : [];
  }
}

interface Verdict {
  cancelled: boolean;
  /** A transport that refused this file for a limit of its server is healthy: not counted. */
  limited: Attempt | undefined;
  /** Every transport failed without moving the partial: the node is disabled. */
  exhausted: boolean;
}

function judge(outcome: WalkOutcome, opts: SyncOptions): Verdict {
  const cancelled = opts.signal.aborted && !outcome.success;
  const limited = outcome.attempts.find((a) => a.limit);
  const exhausted = !outcome.success && !cancelled && !opts.forceTransport && !limited && !outcome.resumeBudgetSpent;
  return { cancelled, limited, exhausted };
}

/**
 * History gets every try, with the bytes it moved; only a failure that moved nothing counts toward
 * the transport's failures (and so toward the alert and the failover threshold of later syncs).
 */
function recordAttempts(ns: NodeState, attempts: Attempt[], now: number): void {
  for (const a of attempts) {
    const entry: HistoryEntry = { time: new Date(now).toISOString(), transport: a.transport, result: a.result, kind: 'sync', durationMs: a.durationMs };
    if (a.error) entry.error = a.error;
    if (a.bytesMoved !== undefined) entry.bytesMoved = a.bytesMoved;
    if (a.resumed) entry.resumed = true;
    pushHistory(ns, entry);
    if (a.result === 'failed' && !a.limit && !madeProgress(a)) recordFailure(ns, a.transport, a.error ?? 'failed', now);
    if (a.probe) transportRecord(ns, a.transport).lastProbe = { time: now, success: false, message: a.probe.message, latencyMs: a.probe.latencyMs, code: a.probe.code };
  }
}

/** ` (rsync went first: large file: rsync measured ...)`, or nothing when the runbook order stood. */
function routeNote(route: LargeFileRoute | undefined): string {
  return route ? ` (${route.first} went first: ${route.reason})` : '';
}

function resultMessage(node: string, outcome: WalkOutcome, verdict: Verdict, disabled: boolean, opts: SyncOptions): string {
  const s = outcome.success;
  const via = () => outcome.attempts.map((a) => a.transport).join(', ');
  if (s) return `${s.skipped ? 'already up to date' : 'synced'} via ${s.transport}${disabled ? ` (node stays disabled: run 'ringrift-sync reenable ${node}')` : ''}`;
  if (verdict.cancelled) return 'cancelled: partial files stay on the node and the next sync resumes them';
  if (outcome.resumeBudgetSpent) {
    const last = outcome.attempts.at(-1);
    return `not synced: ${last?.transport} kept moving the file (${formatBytes(last?.partialBytes ?? 0)} on the node) but the resume budget ran out; the node stays enabled and the next sync resumes (RINGRIFT_SYNC_RESUME_BUDGET_SECONDS)`;
  }
  if (verdict.exhausted) return `all transports failed (${via()}): node disabled for sync`;
  if (verdict.limited && !opts.forceTransport) {
    return `not synced: ${verdict.limited.transport} cannot take this file (${verdict.limited.limit}) and no other transport did (${via()}); the node stays enabled`;
  }
  return `forced transport ${opts.forceTransport} failed: ${outcome.attempts.at(-1)?.error ?? ''}`;
}
