import type { NodeSpec } from '../../core/hosts/nodeSpec';
import { computeAlerts, computeStats, type AlertThresholds, type HistoryEntry, type RouterState } from '../../core/router';
import { formatBytes } from '../../core/units';
import { nodeView } from '../cluster/nodeView';
import { describeNode } from '../tree/nodeEntry';

/** Read-only Markdown reports (transport history, cluster stats). Pure. */

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function historyMarkdown(node: NodeSpec, entries: HistoryEntry[], transport?: string): string {
  const shown = transport ? entries.filter((e) => e.transport === transport) : entries;
  const title = `# ${node.name}: ${transport ? `${transport} ` : ''}transport history`;
  if (shown.length === 0) {
    return `${title}\n\nNo history yet: test the node or sync a file to it.\n`;
  }
  // A failed try that moved the file forward was resumed, not counted: say so beside its result.
  const rows = shown.map((e) => `| ${e.time} | ${e.kind} | ${e.transport} | ${e.result}${e.resumed ? ' (resumed)' : ''} | ${e.bytesMoved ? formatBytes(e.bytesMoved) : ''} | ${e.durationMs ?? ''} | ${cell(e.error ?? '')} |`);
  const head = ['| time | kind | transport | result | moved | ms | error |', '|---|---|---|---|---|---|---|'];
  return [title, '', `${shown.length} entries, newest first.`, '', ...head, ...rows, ''].join('\n');
}

export function statsMarkdown(nodes: NodeSpec[], state: RouterState, now: number, thresholds: AlertThresholds, hostsFile: string): string {
  const stats = computeStats(nodes, state, now);
  const alerts = computeAlerts(nodes, state, now, thresholds);
  const active = Object.entries(stats.activeTransports).map(([t, n]) => `${t}: ${n}`).join(', ') || 'none yet';
  const nodeRows = nodes.map((n) => {
    const ns = state.nodes[n.name];
    return `| ${n.name} | ${cell(describeNode(n, nodeView(n, state, now)))} | ${ns?.lastWorkingTransport ?? ''} | ${ns?.preferredTransport ?? ''} | ${ns?.lastSuccessAt ?? ''} |`;
  });
  return [
    '# RingRift Sync: cluster stats',
    '',
    `Hosts file: \`${hostsFile}\` · ${new Date(now).toISOString()}`,
    '',
    `- nodes: ${stats.nodeCount}`,
    `- disabled: ${stats.disabledNodeCount}`,
    `- working transports: ${active}`,
    `- escalations: ${stats.escalationsLastHour} in the last hour, ${stats.escalationsToday} today`,
    '',
    '## Alerts',
    '',
    ...(alerts.length ? alerts.map((a) => `- **${a.metric}**: ${a.message}`) : ['None.']),
    '',
    `Thresholds: transport failures > ${thresholds.transportFailuresPerHour}/node/hour, disabled nodes > ${thresholds.disabledNodesPercent}%, escalations > ${thresholds.escalationsPerHour}/hour.`,
    '',
    '## Nodes',
    '',
    '| node | state | last working | preferred | last sync |',
    '|---|---|---|---|---|',
    ...nodeRows,
    '',
  ].join('\n');
}
