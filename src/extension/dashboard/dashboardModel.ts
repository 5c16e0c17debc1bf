import { TRANSPORT_KINDS, type NodeSpec, type TransportKind } from '../../core/hosts/nodeSpec';
import { computeAlerts, computeStats, failuresLastHour, type AlertThresholds, type RouterEvent, type RouterState } from '../../core/router';
import { nodeView, type NodeHealth, type TransportHealth } from '../cluster/nodeView';
import { describeNode } from '../tree/nodeEntry';
import { transportStateText } from '../tree/transportEntry';

/** What the dashboard shows, computed from the shared state. Pure: unit-tested, rendered by dashboardHtml.ts. */

interface MatrixCell {
  transport: TransportKind;
  /** `absent`: not in this node's chain. */
  state: TransportHealth | 'absent';
  text: string;
}

interface MatrixRow {
  node: string;
  health: NodeHealth;
  description: string;
  cells: MatrixCell[];
}

export interface TimelineBucket {
  /** Epoch ms of the hour's start. */
  start: number;
  failures: number;
  escalations: number;
  disables: number;
  syncs: number;
}

export interface Metric {
  metric: 'transport_failures' | 'disabled_nodes' | 'escalation_count';
  label: string;
  value: number;
  threshold: number;
  unit: string;
  over: boolean;
  /** Which node, for the per-node metric. */
  detail?: string;
}

/** One verified pull of a fan-out: `node` got its copy from `source`. */
interface FanoutEdge {
  source: string;
  node: string;
  wave: number;
  durationMs: number;
}

/** The latest fan-out in the event log: which node fed which (its seeds got theirs from this machine). */
export interface FanoutMap {
  /** When it started (ISO). */
  run: string;
  seeds: string[];
  edges: FanoutEdge[];
}

export interface DashboardModel {
  generatedAt: string;
  hostsFile: string;
  nodeCount: number;
  disabledCount: number;
  alertCount: number;
  transports: TransportKind[];
  rows: MatrixRow[];
  timeline: TimelineBucket[];
  metrics: Metric[];
  /** Absent when the event log holds no fan-out. */
  lastFanout?: FanoutMap;
}

const HOUR_MS = 3_600_000;
const TIMELINE_HOURS = 24;

export interface DashboardInputs {
  hostsFile: string;
  nodes: NodeSpec[];
  state: RouterState;
  now: number;
  thresholds: AlertThresholds;
  /** Recent events.jsonl lines; NODE_DISABLED is counted from them (state forgets a re-enabled node's). */
  events?: RouterEvent[];
}

export function buildTimeline(inputs: DashboardInputs): TimelineBucket[] {
  const first = Math.floor(inputs.now / HOUR_MS) * HOUR_MS - (TIMELINE_HOURS - 1) * HOUR_MS;
  const buckets: TimelineBucket[] = Array.from({ length: TIMELINE_HOURS }, (_, i) => ({ start: first + i * HOUR_MS, failures: 0, escalations: 0, disables: 0, syncs: 0 }));
  const at = (t: number) => {
    const i = Math.floor((t - first) / HOUR_MS);
    return t <= inputs.now && i >= 0 && i < TIMELINE_HOURS ? buckets[i] : undefined;
  };
  for (const ns of Object.values(inputs.state.nodes)) {
    for (const e of ns.history) {
      const b = at(Date.parse(e.time));
      if (!b) continue;
      // A try that moved the node's partial forward was resumed, not failed.
      if (e.result === 'failed' && !((e.bytesMoved ?? 0) > 0)) b.failures++;
      else if (e.result === 'ok' && e.kind === 'sync') b.syncs++;
    }
  }
  for (const t of inputs.state.escalations) {
    const b = at(t);
    if (b) b.escalations++;
  }
  if (inputs.events) {
    for (const e of inputs.events) if (e.type === 'NODE_DISABLED') {
      const b = at(Date.parse(e.time));
      if (b) b.disables++;
    }
  } else {
    for (const ns of Object.values(inputs.state.nodes)) {
      const b = ns.disabledAt ? at(Date.parse(ns.disabledAt)) : undefined;
      if (b) b.disables++;
    }
  }
  return buckets;
}

/** From the SYNC_PULLED events of the latest fan-out run. */
function lastFanout(events: RouterEvent[]): FanoutMap | undefined {
  const pulls = events.filter((e) => e.type === 'SYNC_PULLED' && typeof e.run === 'string' && typeof e.source === 'string');
  const run = pulls.map((e) => e.run as string).sort().at(-1);
  if (!run) return undefined;
  const edges = pulls
    .filter((e) => e.run === run)
    .map((e) => ({ source: e.source as string, node: e.node, wave: Number(e.wave) || 0, durationMs: Number(e.durationMs) || 0 }))
    .sort((a, b) => a.wave - b.wave || a.node.localeCompare(b.node));
  const pulled = new Set(edges.map((e) => e.node));
  const seeds = [...new Set(edges.map((e) => e.source).filter((n) => !pulled.has(n)))].sort();
  return { run, seeds, edges };
}

export function buildDashboard(inputs: DashboardInputs): DashboardModel {
  const { nodes, state, now, thresholds } = inputs;
  const rows: MatrixRow[] = nodes.map((node) => {
    const view = nodeView(node, state, now);
    return {
      node: node.name,
      health: view.health,
      description: describeNode(node, view),
      cells: TRANSPORT_KINDS.map((kind) => {
        const t = view.transports.find((x) => x.kind === kind);
        return t ? { transport: kind, state: t.health, text: transportStateText(t) } : { transport: kind, state: 'absent', text: 'not in chain' };
      }),
    };
  });
  const stats = computeStats(nodes, state, now);
  let worst = { node: '', value: 0 };
  for (const n of nodes) {
    const value = failuresLastHour(state, n.name, now);
    if (value > worst.value) worst = { node: n.name, value };
  }
  const fanout = inputs.events ? lastFanout(inputs.events) : undefined;
  const percent = stats.nodeCount ? Math.round((stats.disabledNodeCount / stats.nodeCount) * 1000) / 10 : 0;
  const metrics: Metric[] = [
    {
      metric: 'transport_failures',
      label: 'Transport failures, worst node, last hour',
      value: worst.value,
      threshold: thresholds.transportFailuresPerHour,
      unit: '',
      over: worst.value > thresholds.transportFailuresPerHour,
      detail: worst.node || undefined,
    },
    { metric: 'disabled_nodes', label: 'Disabled nodes', value: percent, threshold: thresholds.disabledNodesPercent, unit: '%', over: percent > thresholds.disabledNodesPercent },
    {
      metric: 'escalation_count',
      label: 'Escalations, last hour',
      value: stats.escalationsLastHour,
      threshold: thresholds.escalationsPerHour,
      unit: '',
      over: stats.escalationsLastHour > thresholds.escalationsPerHour,
    },
  ];
  return {
    generatedAt: new Date(now).toISOString(),
    hostsFile: inputs.hostsFile,
    nodeCount: stats.nodeCount,
    disabledCount: stats.disabledNodeCount,
    alertCount: computeAlerts(nodes, state, now, thresholds).length,
    transports: [...TRANSPORT_KINDS],
    rows,
    timeline: buildTimeline(inputs),
    metrics,
    ...(fanout ? { lastFanout: fanout } : {}),
  };
}
