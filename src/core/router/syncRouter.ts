import type { NodeSpec, TransportKind } from '../hosts/nodeSpec';
import { relaySkip, syncOrder } from '../hosts/relayMode';
import { fail, ok, type Result } from '../result';
import type { PushJob, Transport } from '../transports/transport';
import { computeAlerts, computeStats, type Alert, type ClusterStats } from './clusterHealth';
import { nextUpgradeBackoff, planEscalation } from './escalationPlan';
import type { EventLog, RouterEvent } from './eventLog';
import { mapWithConcurrency } from './pool';
import { nodeState, pushHistory, recordFailure, recordSuccess, transportRecord, type HistoryEntry, type RouterState } from './routerState';
import type { RouterSettings } from './routerSettings';
import type { StateStore } from './stateStore';
import { whyNotTarget } from './syncTarget';
import { walkPlan, type Attempt } from './syncWalk';

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

    const plan = planEscalation(node, before, settings, this.clock(), opts.forceTransport);
    const outcome = await walkPlan({
      node,
      plan,
      job,
      transports: this.deps.transports,
      settings,
      signal: opts.signal,
      clock: this.clock,
      onProgress: (t, done, total) => opts.onProgress?.(node.name, t, done, total),
    });
    const now = this.clock();
    const cancelled = opts.signal.aborted && !outcome.success;
    // A transport that refused this file for a limit of its server is healthy: it is not counted
    // as a failure, keeps the node enabled, and does not move later syncs off it.
    const limited = outcome.attempts.find((a) => a.limit);
    const tried = outcome.attempts.filter((a) => a.result !== 'skipped' && !a.limit);
    const exhausted = !outcome.success && !cancelled && !opts.forceTransport && !limited;
    const events: RouterEvent[] = outcome.events.map((e) => ({ ...e, time: new Date(now).toISOString(), node: node.name }) as RouterEvent);

    const after = await store.update((state) => {
      const ns = nodeState(state, node.name);
      for (const a of outcome.attempts) {
        const entry: HistoryEntry = { time: new Date(now).toISOString(), transport: a.transport, result: a.result, kind: 'sync', durationMs: a.durationMs };
        if (a.error) entry.error = a.error;
        pushHistory(ns, entry);
        if (a.result === 'failed' && !a.limit) recordFailure(ns, a.transport, a.error ?? 'failed', now);
        if (a.probe) transportRecord(ns, a.transport).lastProbe = { time: now, success: false, message: a.probe.message, latencyMs: a.probe.latencyMs, code: a.probe.code };
      }
      if (outcome.success && (opts.forceTransport || limited)) {
        // A manual override, or a file too big or odd for a better transport, proves the transport
        // works; neither reroutes later syncs.
        transportRecord(ns, outcome.success.transport).consecutiveFailures = 0;
      } else if (outcome.success) {
        const used = outcome.success.transport;
        recordSuccess(ns, used, now);
        if (tried.length > 1) state.escalations = [...state.escalations.filter((t) => now - t < 48 * 3600_000), now];
        this.updateUpgradeBackoff(ns, node, used, plan.upgradeAttempt, now);
      } else if (exhausted) {
        ns.enabled = false;
        ns.disabledAt = new Date(now).toISOString();
        ns.reason = 'all_transports_exhausted';
        ns.failedTransports = [...new Set(outcome.attempts.map((a) => a.transport))];
        events.push({ type: 'NODE_DISABLED', time: ns.disabledAt, node: node.name, reason: ns.reason, failedTransports: ns.failedTransports });
      }
      return ns;
    });
    for (const e of events) this.deps.events.emit(e);

    const s = outcome.success;
    return {
      node: node.name,
      success: Boolean(s),
      transportUsed: s?.transport ?? null,
      bytes: s?.bytes ?? 0,
      sha256: s?.sha256 ?? null,
      disabled: !after.enabled,
      attempts: outcome.attempts.map(({ probe: _probe, ...a }) => a),
      remotePath: s?.remotePath,
      bytesSent: s?.bytesSent,
      message: s
        ? `${s.skipped ? 'already up to date' : 'synced'} via ${s.transport}${disabled ? ` (node stays disabled: run 'ringrift-sync reenable ${node.name}')` : ''}`
        : cancelled
          ? 'cancelled: partial files stay on the node and the next sync resumes them'
          : exhausted
            ? `all transports failed (${outcome.attempts.map((a) => a.transport).join(', ')}): node disabled for sync`
            : limited && !opts.forceTransport
              ? `not synced: ${limited.transport} cannot take this file (${limited.limit}) and no other transport did (${outcome.attempts.map((a) => a.transport).join(', ')}); the node stays enabled`
              : `forced transport ${opts.forceTransport} failed: ${outcome.attempts.at(-1)?.error ?? ''}`,
    };
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
