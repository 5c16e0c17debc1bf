import type { NodeSpec, TransportKind } from '../../core/hosts/nodeSpec';
import { relaySkip, syncOrder } from '../../core/hosts/relayMode';
import { failuresLastHour, largeFileRoute, type LargeFileRoute, type NodeState, type RecordedFailureCode, type RouterState } from '../../core/router';
import { diagnosedProbe, type LastDiagnosis } from './lastDiagnosis';
import type { ServiceKind } from '../../core/transports/http/orchestrator/health';
import type { LiveProbe } from './liveProbes';

/**
 * What the UI shows about one node and each transport of its chain, derived from the router's
 * state (shared with the CLI) and any test in flight. Pure; the tree and the dashboard share it.
 * `relay_skipped`: syncs never try it (a direct transport of a nat_blocked / force_relay_mode node).
 */
export type TransportHealth = 'ok' | 'failed' | 'untested' | 'testing' | 'relay_skipped';
export type NodeHealth = 'healthy' | 'degraded' | 'unreachable' | 'disabled' | 'untested' | 'testing' | 'not_ready';

export interface TransportView {
  kind: TransportKind;
  health: TransportHealth;
  latencyMs?: number;
  /** Its last error, while it is failing. */
  error?: string;
  /** Stable reason code of the last failed probe (`host_key_changed`, `refused`, ...). */
  code?: RecordedFailureCode;
  /** Epoch ms of the result shown. */
  at?: number;
  /** What answered on a p2p/http port at that result (our agent, the real orchestrator, another service). */
  service?: ServiceKind;
  preferred: boolean;
  /** Consecutive sync failures on it. */
  failures: number;
}

export interface NodeView {
  name: string;
  health: NodeHealth;
  /** The transport a sync would use now: first working one in plan order. */
  working?: TransportView;
  /** In the order syncs walk them (relay mode reorders the chain). */
  transports: TransportView[];
  disabled?: { at?: string; reason?: string; failedTransports: string[] };
  hostKeyChanged: boolean;
  failuresLastHour: number;
  lastSuccessAt?: string;
  /**
   * Set when measured rates send large files to an SSH rung first (escalationPlan.ts rule 6). From
   * the rates alone: a sync may still find that rung skipped (a probe that just failed, a backoff).
   */
  largeFiles?: LargeFileRoute;
}

function transportView(node: NodeSpec, ns: NodeState | undefined, kind: TransportKind, live: LiveProbe | undefined, diagnosed: LastDiagnosis | undefined): TransportView {
  const rec = ns?.transports[kind];
  const base = { kind, preferred: ns?.preferredTransport === kind, failures: rec?.consecutiveFailures ?? 0 };
  if (live?.status === 'testing') return { ...base, health: 'testing' };
  if (live?.status === 'done') {
    const r = live.row;
    const seen = { ...base, service: r.service, latencyMs: r.latencyMs };
    return r.success ? { ...seen, health: 'ok' } : { ...seen, health: 'failed', error: r.message, code: r.code };
  }
  // A diagnosis probes too (without recording it): the newer of the two probes is the one shown.
  const fromDoctor = diagnosedProbe(diagnosed, kind);
  const probe = fromDoctor && !(rec?.lastProbe && rec.lastProbe.time >= fromDoctor.time) ? fromDoctor : rec?.lastProbe;
  const lastFailAt = rec && rec.consecutiveFailures > 0 ? Math.max(0, ...rec.failureTimes) : undefined;
  if (probe && (lastFailAt === undefined || probe.time >= lastFailAt)) {
    const seen = { ...base, service: probe.service, at: probe.time };
    return probe.success ? { ...seen, health: 'ok', latencyMs: probe.latencyMs } : { ...seen, health: 'failed', error: probe.message, code: probe.code };
  }
  if (lastFailAt !== undefined) return { ...base, health: 'failed', error: rec?.lastError, at: lastFailAt };
  if (ns?.lastWorkingTransport === kind) return { ...base, health: 'ok' };
  if (relaySkip(node, kind)) return { ...base, health: 'relay_skipped' };
  return { ...base, health: 'untested' };
}

export function nodeView(node: NodeSpec, state: RouterState, now: number, live?: ReadonlyMap<TransportKind, LiveProbe>, diagnosed?: LastDiagnosis): NodeView {
  const ns = state.nodes[node.name];
  const transports = syncOrder(node).map((k) => transportView(node, ns, k, live?.get(k), diagnosed));
  const order = [...transports].sort((a, b) => Number(b.preferred) - Number(a.preferred));
  // A probe may have reached a transport syncs skip: it still is not what a sync would use.
  const usable = order.filter((t) => !relaySkip(node, t.kind));
  const working = usable.find((t) => t.health === 'ok');
  const view: NodeView = {
    name: node.name,
    health: 'untested',
    working,
    transports,
    hostKeyChanged: transports.some((t) => t.code === 'host_key_changed'),
    failuresLastHour: failuresLastHour(state, node.name, now),
    lastSuccessAt: ns?.lastSuccessAt,
  };
  const route = largeFileRoute(ns, syncOrder(node).filter((k) => !relaySkip(node, k)), now);
  if (route) view.largeFiles = route;
  if (ns && !ns.enabled) view.disabled = { at: ns.disabledAt, reason: ns.reason, failedTransports: ns.failedTransports };
  view.health = !node.ready
    ? 'not_ready'
    : view.disabled
      ? 'disabled'
      : transports.some((t) => t.health === 'testing')
        ? 'testing'
        : working === undefined
          ? usable.some((t) => t.health === 'failed') ? 'unreachable' : 'untested'
          : usable[0] === working && !usable.some((t) => t.health === 'failed')
            ? 'healthy'
            : 'degraded';
  return view;
}

/** Whether a node needs a look ("show only problems"). */
export function isProblem(view: NodeView): boolean {
  return view.health === 'degraded' || view.health === 'unreachable' || view.health === 'disabled' || view.hostKeyChanged;
}
