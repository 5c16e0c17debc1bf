import type { NodeSpec, TransportKind } from '../../core/hosts';
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

/** A child of a node row: one step of its escalation chain. */
export function transportEntry(node: NodeSpec, kind: TransportKind, step: number): TreeEntry {
  const target = transportTarget(node, kind);
  const natBlocked = kind === 'p2p' && node.natBlocked;
  const notes = [target ?? 'no address', natBlocked ? 'NAT-blocked' : undefined].filter(Boolean);
  const icon: EntryIcon = target ? { id: ICONS[kind] } : { id: ICONS[kind], color: 'errorForeground' };
  const tooltip = [
    `**${escapeMarkdown(kind)}** · step ${step} of ${node.transports.length} for ${escapeMarkdown(node.name)}`,
    '',
    escapeMarkdown(WHAT[kind]) + (target ? `: ${code(target)}` : ''),
    ...(target ? [] : ['', `No address for ${escapeMarkdown(kind)}: set \`ssh_host\` (or \`tailscale_ip\`) for this host.`]),
    ...(natBlocked ? ['', 'The host is `nat_blocked`: this step is expected to fail and escalate.'] : []),
  ].join('\n');
  return {
    id: `node/${node.name}/${kind}`,
    kind: 'transport',
    label: kind,
    description: notes.join(' · '),
    tooltip,
    icon,
    contextValue: 'transport',
    children: [],
    opensOnClick: false,
  };
}
