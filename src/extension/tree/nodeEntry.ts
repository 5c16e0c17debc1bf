import { DEFAULT_DATA_SERVER_PORT, relaySkip, syncOrder, type NodeSpec } from '../../core/hosts';
import { whyNotTarget } from '../../core/router';
import { diagnosisSummary, type LastDiagnosis } from '../cluster/lastDiagnosis';
import type { NodeHealth, NodeView } from '../cluster/nodeView';
import type { UnsavedMark } from '../cluster/unsavedChanges';
import { detailsEntry } from './detailsEntry';
import { flagRows, flagWords } from './hostFlags';
import { code, escapeMarkdown } from './markdown';
import { transportEntry, transportStateText } from './transportEntry';
import type { EntryIcon, TreeEntry } from './treeEntry';

const CHAIN_ARROW = ' → ';

/** `p2p → rsync → base64`, the order the sync escalates in; `(p2p)` is a step syncs skip (relay mode), as `sync` prints it. */
export function chainText(node: NodeSpec): string {
  const steps = syncOrder(node).map((t) => (relaySkip(node, t) ? `(${t})` : t));
  return steps.length > 0 ? steps.join(CHAIN_ARROW) : 'no transport';
}

const NODE_ICONS: Record<NodeHealth, EntryIcon> = {
  healthy: { id: 'pass-filled', color: 'charts.green' },
  degraded: { id: 'warning', color: 'charts.yellow' },
  unreachable: { id: 'error', color: 'charts.red' },
  disabled: { id: 'circle-slash', color: 'charts.red' },
  untested: { id: 'circle-large-outline' },
  testing: { id: 'loading~spin' },
  not_ready: { id: 'debug-pause', color: 'disabledForeground' },
};

/** One line, short enough for a tree row. */
function shorten(text: string, max = 60): string {
  const line = text.split('\n')[0];
  return line.length > max ? line.slice(0, max - 1) + '…' : line;
}

function ms(latency: number | undefined): string {
  return latency === undefined ? '' : ` · ${latency} ms`;
}

/** The row's description: its live state, then the RingRift flags that matter (`relay mode`, ...). */
export function describeNode(node: NodeSpec, view: NodeView): string {
  return [stateText(node, view), ...flagWords(node)].join(' · ');
}

function stateText(node: NodeSpec, view: NodeView): string {
  switch (view.health) {
    case 'not_ready':
      return node.status === 'ready' ? 'has errors in the hosts file · not synced' : `${node.status} · not synced`;
    case 'disabled':
      return `disabled: ${(view.disabled?.reason ?? 'unknown reason').replace(/_/g, ' ')}`;
    case 'testing': {
      const done = view.transports.filter((t) => t.health !== 'testing').length;
      return `testing… ${done}/${view.transports.length}`;
    }
    case 'untested':
      return `untested · ${chainText(node)}`;
    case 'unreachable': {
      const first = view.transports.find((t) => t.health === 'failed');
      return `unreachable: ${shorten(first?.error ?? 'every transport failed')}`;
    }
    case 'healthy':
      return `${view.working!.kind}${ms(view.working!.latencyMs)}`;
    case 'degraded': {
      const failing = view.transports.filter((t) => t.health === 'failed').map((t) => t.kind);
      return `${view.working!.kind}${ms(view.working!.latencyMs)} · ${failing.join(', ')} failing`;
    }
  }
}

/** What the hosts file says about the node. */
function hostRows(node: NodeSpec): Array<[string, string]> {
  const viaTailscale = node.tailscaleIp !== undefined && node.address === node.tailscaleIp ? ' (tailscale_ip)' : '';
  const rows: Array<[string, string]> = [
    ['address', `${code(node.address ?? 'none')}${viaTailscale}`],
    ['ssh', node.sshHost ? code(`${node.user}@${node.sshHost}:${node.sshPort}`) : 'no `ssh_host`'],
    ['user', code(node.user)],
    ['ssh port', code(String(node.sshPort))],
    ['p2p port', node.p2pEnabled ? code(String(node.p2pPort)) : 'p2p disabled'],
    ['status', `${escapeMarkdown(node.status)} (${whyNotTarget(node, false) ? 'shown, not synced' : 'synced'})`],
  ];
  if (node.fields.role !== undefined) rows.push(['role', escapeMarkdown(String(node.fields.role))]);
  if (node.httpPort !== undefined) rows.push(['http port', code(String(node.httpPort))]);
  rows.push(['data server port', code(String(node.dataServerPort ?? DEFAULT_DATA_SERVER_PORT))]);
  rows.push(['ringrift_path', node.remoteBase === undefined ? 'none' : code(node.remoteBase)]);
  rows.push(...flagRows(node));
  rows.push(['chain', `${escapeMarkdown(chainText(node))} (${node.chainSource === 'host' ? 'from `transports:`' : 'default'})`]);
  return rows;
}

/** Words after the state when the open editor changes the node: the row still shows the saved file. */
const UNSAVED_DESCRIPTION: Record<UnsavedMark, string> = {
  changed: '(unsaved changes)',
  removed: '(removed in the unsaved editor)',
};

const UNSAVED_TOOLTIP: Record<UnsavedMark, string> = {
  changed: 'the editor has unsaved changes to this node; this row and every command use the saved file until you save',
  removed: 'the unsaved editor no longer has this node; this row and every command use the saved file until you save',
};

function tooltipOf(node: NodeSpec, view: NodeView, diagnosis: LastDiagnosis | undefined, unsaved: UnsavedMark | undefined): string {
  const rows: Array<[string, string]> = [['state', escapeMarkdown(describeNode(node, view))], ...(unsaved ? [['unsaved', UNSAVED_TOOLTIP[unsaved]] as [string, string]] : []), ...hostRows(node)];
  for (const t of view.transports) {
    const failures = t.failures > 0 ? ` · ${t.failures} failure(s) in a row` : '';
    rows.push([`${t.kind}${t.preferred ? ' (preferred)' : ''}`, escapeMarkdown(transportStateText(t)) + failures]);
  }
  const lastError = view.transports.find((t) => t.error)?.error;
  if (lastError) rows.push(['last error', escapeMarkdown(shorten(lastError, 300))]);
  if (view.disabled) {
    rows.push(['disabled_at', escapeMarkdown(view.disabled.at ?? 'unknown')]);
    rows.push(['failed', escapeMarkdown(view.disabled.failedTransports.join(', ') || 'none recorded')]);
  }
  if (view.failuresLastHour > 0) rows.push(['failures, last hour', String(view.failuresLastHour)]);
  if (view.lastSuccessAt) rows.push(['last sync', escapeMarkdown(view.lastSuccessAt)]);
  if (view.largeFiles) rows.push(['large files', escapeMarkdown(`${view.largeFiles.first} first (${view.largeFiles.reason})`)]);
  if (diagnosis) rows.push(['diagnosis', `${escapeMarkdown(diagnosisSummary(diagnosis))} · ${new Date(diagnosis.at).toISOString()}`]);
  const table = ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`)];
  return [`**${escapeMarkdown(node.name)}**`, '', ...table].join('\n');
}

/** Words for `when` clauses: what the node's context menu may offer. */
function nodeFlags(node: NodeSpec, view: NodeView): string[] {
  const flags = [whyNotTarget(node, false) ? 'notReady' : 'ready'];
  if (view.disabled) flags.push('disabled');
  if (node.sshHost) flags.push('ssh');
  if (node.transports.includes('p2p')) flags.push('p2p');
  if (view.hostKeyChanged) flags.push('hostKeyChanged');
  if (view.transports.some((t) => t.failures > 0 || t.health === 'failed')) flags.push('failures');
  if (view.transports.some((t) => t.preferred)) flags.push('preferred');
  return flags;
}

/**
 * A node row: label the host name, description its live state, children its transports. The
 * tooltip is built when first read (on hover): most of a 1,000-node tree's build time otherwise.
 */
export function nodeEntry(node: NodeSpec, view: NodeView, file: string, diagnosis?: LastDiagnosis, unsaved?: UnsavedMark): TreeEntry {
  const details = detailsEntry(node);
  let tooltip: string | undefined;
  return {
    id: `node/${node.name}`,
    kind: 'node',
    label: node.name,
    description: unsaved ? `${describeNode(node, view)} ${UNSAVED_DESCRIPTION[unsaved]}` : describeNode(node, view),
    get tooltip() {
      return (tooltip ??= tooltipOf(node, view, diagnosis, unsaved));
    },
    icon: NODE_ICONS[view.health],
    contextValue: ['node', ...nodeFlags(node, view)].join(' '),
    children: [...view.transports.map((t, i) => transportEntry(node, t, i + 1, diagnosis)), ...(details ? [details] : [])],
    location: { file, line: node.range.start.line, column: node.range.start.column },
    node: node.name,
  };
}
