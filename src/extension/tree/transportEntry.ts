import { CAUSE_TITLES } from '../../core/doctor/causes';
import { relaySkip, type NodeSpec, type TransportKind } from '../../core/hosts';
import type { ServiceKind } from '../../core/transports/http/orchestrator/health';
import { transportCause, type LastDiagnosis } from '../cluster/lastDiagnosis';
import type { TransportView } from '../cluster/nodeView';
import { code, escapeMarkdown } from './markdown';
import type { EntryIcon, TreeEntry } from './treeEntry';

const ICONS: Record<TransportKind, string> = { p2p: 'broadcast', http: 'globe', rsync: 'sync', base64: 'file-binary' };

const WHAT: Record<TransportKind, string> = {
  p2p: 'HTTP to the p2p agent at the preferred address',
  http: "HTTP to the agent's alternate (public) address",
  rsync: 'rsync over the system ssh',
  base64: 'base64 chunks over an SSH session (last resort)',
};

/** Where this transport connects, e.g. `127.0.0.12:8770` or `ubuntu@127.0.0.2:22`; undefined when the node lacks an address. */
export function transportTarget(node: NodeSpec, kind: TransportKind): string | undefined {
  switch (kind) {
    case 'p2p':
      return node.address && `${node.address}:${node.p2pPort}`;
    case 'http':
      return node.sshHost && node.httpPort !== undefined ? `${node.sshHost}:${node.httpPort}` : undefined;
    case 'rsync':
    case 'base64':
      return node.sshHost && `${node.user}@${node.sshHost}:${node.sshPort}`;
  }
}

/** `ok · 3 ms`, `failed: port 8770 refused`, `untested`, `testing…`, `relay mode: syncs skip it`. */
export function transportStateText(t: TransportView): string {
  switch (t.health) {
    case 'ok':
      return t.latencyMs === undefined ? 'ok (last sync)' : `ok · ${t.latencyMs} ms`;
    case 'failed':
      return `failed: ${(t.error ?? 'no message').split('\n')[0]}`;
    case 'testing':
      return 'testing…';
    case 'relay_skipped':
      return 'relay mode: syncs skip it';
    case 'untested':
      return 'untested';
  }
}

function iconOf(kind: TransportKind, t: TransportView, target: string | undefined): EntryIcon {
  if (t.health === 'testing') return { id: 'loading~spin' };
  const color = !target || t.health === 'failed' ? 'charts.red' : t.health === 'ok' ? 'charts.green' : t.health === 'relay_skipped' ? 'disabledForeground' : undefined;
  return color ? { id: ICONS[kind], color } : { id: ICONS[kind] };
}

/** The cause the last diagnosis named for a failing transport, as tooltip lines (none otherwise). */
function causeLines(diagnosis: LastDiagnosis | undefined, t: TransportView): string[] {
  const c = transportCause(diagnosis, t);
  if (!c) return [];
  const expected = c.expected ? ' (expected: the hosts file says so)' : '';
  return [
    '',
    `**Cause:** ${escapeMarkdown(CAUSE_TITLES[c.cause])} ${code(c.cause)}${expected}`,
    '',
    escapeMarkdown(c.evidence.summary),
    '',
    `Fix: ${escapeMarkdown(c.fix.title)}; its command is in the report (**Diagnose Node**).`,
    '',
    `Diagnosed: ${new Date(diagnosis!.at).toISOString()}`,
  ];
}

const SERVICE_TITLES: Record<ServiceKind, string> = {
  ringrift_orchestrator: 'the RingRift P2P orchestrator (its upload endpoint and limits apply)',
  ringrift_sync_agent: "ringrift-sync's reference agent",
  other_http_service: 'another HTTP service, not a RingRift node agent',
};

/** A child of a node row: one step of its escalation chain, with its last result. */
export function transportEntry(node: NodeSpec, t: TransportView, step: number, diagnosis?: LastDiagnosis): TreeEntry {
  const kind = t.kind;
  const target = transportTarget(node, kind);
  const state = transportStateText(t);
  const skip = relaySkip(node, kind);
  const description = [t.preferred ? '★ preferred' : undefined, state.length > 70 ? state.slice(0, 69) + '…' : state, target ?? 'no address'];
  const tooltipOf = () => [
    `**${escapeMarkdown(kind)}** · step ${step} of ${node.transports.length} for ${escapeMarkdown(node.name)}${t.preferred ? ' · preferred: syncs try it first' : ''}`,
    '',
    escapeMarkdown(WHAT[kind]) + (target ? `: ${code(target)}` : ''),
    '',
    `State: ${escapeMarkdown(state)}`,
    ...(t.service ? ['', `Answers on the port: ${SERVICE_TITLES[t.service]}`] : []),
    ...(t.at ? ['', `Checked: ${new Date(t.at).toISOString()}`] : []),
    ...(t.failures > 0 ? ['', `${t.failures} failure(s) in a row`] : []),
    ...(target ? [] : ['', `No address for ${escapeMarkdown(kind)}: set \`ssh_host\` (or \`tailscale_ip\`) for this host.`]),
    // Said even when a probe reached it: syncs still skip it.
    ...(skip ? ['', escapeMarkdown(skip)] : []),
    ...causeLines(diagnosis, t),
  ].join('\n');
  let tooltip: string | undefined;
  const flags = ['transport', kind, ...(t.preferred ? ['preferred'] : []), ...(t.health === 'failed' || t.failures > 0 ? ['failures'] : [])];
  return {
    id: `node/${node.name}/${kind}`,
    kind: 'transport',
    label: kind,
    description: description.filter(Boolean).join(' · '),
    // Built when first read (on hover), like the node's.
    get tooltip() {
      return (tooltip ??= tooltipOf());
    },
    icon: iconOf(kind, t, target),
    contextValue: flags.join(' '),
    children: [],
    node: node.name,
    transport: kind,
  };
}
