import type { NodeSpec } from '../hosts/nodeSpec';
import type { AlertThresholds } from './routerSettings';
import type { RouterState } from './routerState';

/** Stats and alerts of DESIGN.md, computed from state; pure so the CLI, tree and dashboard agree. */

export interface ClusterStats {
  nodeCount: number;
  disabledNodeCount: number;
  /** Last working transport per node, counted. */
  activeTransports: Record<string, number>;
  escalationsToday: number;
  escalationsLastHour: number;
}

export interface Alert {
  metric: 'transport_failures' | 'disabled_nodes' | 'escalation_count';
  /** The node, for per-node metrics; null for cluster-wide ones. */
  node: string | null;
  value: number;
  threshold: number;
  message: string;
}

const HOUR_MS = 3600_000;

function startOfLocalDay(now: number): number {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

export function failuresLastHour(state: RouterState, node: string, now: number): number {
  const ns = state.nodes[node];
  if (!ns) return 0;
  return Object.values(ns.transports).reduce((sum, rec) => sum + (rec?.failureTimes.filter((t) => now - t < HOUR_MS).length ?? 0), 0);
}

export function computeStats(nodes: NodeSpec[], state: RouterState, now: number): ClusterStats {
  const activeTransports: Record<string, number> = {};
  let disabled = 0;
  for (const node of nodes) {
    const ns = state.nodes[node.name];
    if (ns && !ns.enabled) disabled++;
    if (ns?.lastWorkingTransport) activeTransports[ns.lastWorkingTransport] = (activeTransports[ns.lastWorkingTransport] ?? 0) + 1;
  }
  const dayStart = startOfLocalDay(now);
  return {
    nodeCount: nodes.length,
    disabledNodeCount: disabled,
    activeTransports,
    escalationsToday: state.escalations.filter((t) => t >= dayStart && t <= now).length,
    escalationsLastHour: state.escalations.filter((t) => now - t < HOUR_MS && t <= now).length,
  };
}

export function computeAlerts(nodes: NodeSpec[], state: RouterState, now: number, thresholds: AlertThresholds): Alert[] {
  const alerts: Alert[] = [];
  for (const node of nodes) {
    const value = failuresLastHour(state, node.name, now);
    if (value > thresholds.transportFailuresPerHour) {
      alerts.push({
        metric: 'transport_failures',
        node: node.name,
        value,
        threshold: thresholds.transportFailuresPerHour,
        message: `${node.name}: ${value} transport failures in the last hour (threshold ${thresholds.transportFailuresPerHour})`,
      });
    }
  }
  const stats = computeStats(nodes, state, now);
  if (stats.nodeCount > 0) {
    const percent = Math.round((stats.disabledNodeCount / stats.nodeCount) * 1000) / 10;
    if (percent > thresholds.disabledNodesPercent) {
      alerts.push({
        metric: 'disabled_nodes',
        node: null,
        value: percent,
        threshold: thresholds.disabledNodesPercent,
        message: `${stats.disabledNodeCount} of ${stats.nodeCount} nodes disabled (${percent}% > ${thresholds.disabledNodesPercent}%)`,
      });
    }
  }
  if (stats.escalationsLastHour > thresholds.escalationsPerHour) {
    alerts.push({
      metric: 'escalation_count',
      node: null,
      value: stats.escalationsLastHour,
      threshold: thresholds.escalationsPerHour,
      message: `${stats.escalationsLastHour} escalations in the last hour (threshold ${thresholds.escalationsPerHour})`,
    });
  }
  return alerts;
}
