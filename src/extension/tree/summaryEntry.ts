import type { Alert, ClusterStats } from '../../core/router';
import { escapeMarkdown } from './markdown';
import type { TreeEntry } from './treeEntry';

export interface ClusterSummary {
  stats: ClusterStats;
  alerts: Alert[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `3 nodes, 1 disabled, 2 alerts`: the summary row's label and the status bar's tooltip. */
export function summaryText(s: ClusterSummary): string {
  return `${plural(s.stats.nodeCount, 'node')}, ${s.stats.disabledNodeCount} disabled, ${s.alerts.length ? plural(s.alerts.length, 'alert') : 'no alerts'}`;
}

/** The first row: the cluster at a glance; a click opens the dashboard. */
export function summaryEntry(s: ClusterSummary): TreeEntry {
  const active = Object.entries(s.stats.activeTransports).map(([t, n]) => `${t} ${n}`).join(', ') || 'none yet';
  const tooltip = [
    `**${escapeMarkdown(summaryText(s))}**`,
    '',
    `Working transports: ${escapeMarkdown(active)}`,
    '',
    `Escalations: ${s.stats.escalationsLastHour} in the last hour, ${s.stats.escalationsToday} today`,
    ...(s.alerts.length ? ['', ...s.alerts.map((a) => `- $(bell) ${escapeMarkdown(a.message)}`)] : []),
    '',
    'Click to open the dashboard.',
  ].join('\n');
  return {
    id: 'summary',
    kind: 'summary',
    label: summaryText(s),
    description: s.alerts.length ? s.alerts.map((a) => a.metric).join(', ') : undefined,
    tooltip,
    icon: s.alerts.length ? { id: 'bell-dot', color: 'charts.yellow' } : s.stats.disabledNodeCount ? { id: 'pulse', color: 'charts.red' } : { id: 'pulse' },
    contextValue: 'summary',
    children: [],
    onClick: 'openDashboard',
  };
}

/** The status bar item: node count, disabled count, alert bell; a warning background when either is non-zero. */
export function statusBarView(s: ClusterSummary | undefined): { text: string; tooltip: string; warning: boolean } {
  if (!s) return { text: '$(vm-outline) RingRift', tooltip: 'RingRift Sync: no hosts file loaded', warning: false };
  const parts = [`$(vm) ${s.stats.nodeCount}`];
  if (s.stats.disabledNodeCount) parts.push(`$(circle-slash) ${s.stats.disabledNodeCount}`);
  if (s.alerts.length) parts.push(`$(bell-dot) ${s.alerts.length}`);
  return {
    text: parts.join(' '),
    tooltip: `RingRift Sync: ${summaryText(s)}${s.alerts.length ? '\n' + s.alerts.map((a) => a.message).join('\n') : ''}\nClick to open the dashboard.`,
    warning: s.stats.disabledNodeCount > 0 || s.alerts.length > 0,
  };
}
