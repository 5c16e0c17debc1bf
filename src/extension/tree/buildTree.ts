import * as path from 'node:path';
import type { TransportKind } from '../../core/hosts/nodeSpec';
import { runAtOnce } from '../../core/slicedRun';
import { computeAlerts, computeStats, type AlertThresholds, type RouterState } from '../../core/router';
import type { LastDiagnosis } from '../cluster/lastDiagnosis';
import type { LiveProbe } from '../cluster/liveProbes';
import type { UnsavedChanges } from '../cluster/unsavedChanges';
import { isProblem, nodeView, type NodeHealth, type NodeView } from '../cluster/nodeView';
import type { HostsState } from '../hosts/hostsState';
import { escapeMarkdown } from './markdown';
import { nodeEntry } from './nodeEntry';
import { diagnosticProblem, problemEntry, type Problem } from './problemEntry';
import { summaryEntry, type ClusterSummary } from './summaryEntry';
import type { TreeEntry } from './treeEntry';
import { DEFAULT_VIEW, type ViewOptions } from './viewOptions';

export interface TreeInputs {
  hosts: HostsState;
  state: RouterState;
  now: number;
  thresholds: AlertThresholds;
  live?: (node: string) => ReadonlyMap<TransportKind, LiveProbe> | undefined;
  /** The node's last `doctor` report in this window. */
  diagnosis?: (node: string) => LastDiagnosis | undefined;
  /** How the open editor's unsaved text differs from the saved file the tree shows. */
  unsaved?: UnsavedChanges;
  view?: ViewOptions;
}

export interface BuiltTree {
  roots: TreeEntry[];
  /** Undefined when no hosts file is loaded. */
  summary?: ClusterSummary;
  /** Shown above the tree (filter in force, nothing matches). */
  message?: string;
}

const STATE_ORDER: NodeHealth[] = ['disabled', 'unreachable', 'degraded', 'testing', 'untested', 'healthy', 'not_ready'];
const STATE_LABELS: Record<NodeHealth, string> = {
  disabled: 'Disabled',
  unreachable: 'Unreachable',
  degraded: 'Degraded',
  testing: 'Testing',
  untested: 'Untested',
  healthy: 'Healthy',
  not_ready: 'Not synced (status)',
};

function group(id: string, label: string, children: TreeEntry[]): TreeEntry {
  return {
    id: `group/${id}`,
    kind: 'group',
    label,
    description: String(children.length),
    tooltip: `${escapeMarkdown(label)}: ${children.length} node${children.length === 1 ? '' : 's'}`,
    icon: { id: 'folder' },
    contextValue: 'group',
    children,
    expanded: true,
  };
}

/** Error rows first (each one a place to fix), then the summary row, then the nodes as arranged. */
export function buildTree(inputs: TreeInputs): BuiltTree {
  return runAtOnce(buildTreeSteps(inputs));
}

/** buildTree as steps, one per node (5,000 nodes take ~0.3 s: the store builds them in slices). */
export function* buildTreeSteps(inputs: TreeInputs): Generator<void, BuiltTree> {
  const { hosts } = inputs;
  const view = inputs.view ?? DEFAULT_VIEW;
  switch (hosts.kind) {
    case 'not_found':
      return { roots: [problemEntry({ label: 'No hosts file found', message: hosts.message, severity: 'error' }, 0)] };
    case 'unreadable':
      return { roots: [problemEntry({ label: `Cannot read ${path.basename(hosts.file)}`, message: hosts.message, severity: 'error' }, 0)] };
    case 'loaded':
      break;
  }
  const problems: Problem[] = hosts.hosts.diagnostics.filter((d) => d.severity === 'error').map((d) => diagnosticProblem(d, hosts.file));
  const nodes = hosts.hosts.nodes;
  if (nodes.length === 0 && problems.length === 0) {
    problems.push({
      label: 'No hosts in this file',
      message: `${hosts.file} has no entries under \`hosts:\`; add one (name: fields) to see it here.`,
      severity: 'info',
      location: { file: hosts.file, line: 1, column: 1 },
    });
  }
  const summary: ClusterSummary = {
    stats: computeStats(nodes, inputs.state, inputs.now),
    alerts: computeAlerts(nodes, inputs.state, inputs.now, inputs.thresholds),
  };
  const needle = view.filter.trim().toLowerCase();
  const shown: Array<{ entry: TreeEntry; view: NodeView; role: string }> = [];
  for (const node of nodes) {
    if (needle && !node.name.toLowerCase().includes(needle)) continue;
    const diagnosed = inputs.diagnosis?.(node.name);
    const v = nodeView(node, inputs.state, inputs.now, inputs.live?.(node.name), diagnosed);
    if (view.onlyProblems && !isProblem(v)) continue;
    shown.push({ entry: nodeEntry(node, v, hosts.file, diagnosed, inputs.unsaved?.saved.get(node.name)), view: v, role: node.fields.role === undefined ? '' : String(node.fields.role) });
    yield;
  }
  let body: TreeEntry[] = shown.map((s) => s.entry);
  if (view.groupBy === 'state') {
    body = STATE_ORDER.map((h) => group(`state/${h}`, STATE_LABELS[h], shown.filter((s) => s.view.health === h).map((s) => s.entry))).filter((g) => g.children.length > 0);
  } else if (view.groupBy === 'role') {
    const roles = [...new Set(shown.map((s) => s.role))].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
    body = roles.map((r) => group(`role/${r}`, r || '(no role)', shown.filter((s) => s.role === r).map((s) => s.entry)));
  }
  const message = [filterMessage(view, shown.length, nodes.length), unsavedMessage(inputs.unsaved)].filter(Boolean).join(' ') || undefined;
  const summaryRows = nodes.length > 0 ? [summaryEntry(summary)] : [];
  return { roots: [...problems.map((p, i) => problemEntry(p, i)), ...summaryRows, ...body], summary, message };
}

/** Shown above the tree while a filter hides nodes. */
function filterMessage(view: ViewOptions, shown: number, total: number): string | undefined {
  const filters = [view.filter.trim() && `name contains '${view.filter.trim()}'`, view.onlyProblems && 'only problems'].filter(Boolean);
  if (filters.length === 0) return undefined;
  return shown ? `Showing ${shown} of ${total} nodes: ${filters.join(', ')}` : `No node matches (${filters.join(', ')}); ${total} nodes hidden.`;
}

/** Hosts the tree cannot show yet: they exist only in the editor's unsaved text. */
function unsavedMessage(unsaved: UnsavedChanges | undefined): string | undefined {
  const only = unsaved?.onlyInEditor ?? [];
  if (only.length === 0) return undefined;
  const names = only.length <= 3 ? only.join(', ') : `${only.slice(0, 3).join(', ')} and ${only.length - 3} more`;
  return `Unsaved in the editor: ${names}. Save the hosts file to see ${only.length === 1 ? 'it' : 'them'} here.`;
}
