import type { NodeSpec } from '../../core/hosts';
import { code, escapeMarkdown } from './markdown';
import { transportEntry } from './transportEntry';
import type { TreeEntry } from './treeEntry';

export const CHAIN_ARROW = ' → ';

/** `p2p → rsync → base64`, the order the sync escalates in. */
export function chainText(node: NodeSpec): string {
  return node.transports.length > 0 ? node.transports.join(CHAIN_ARROW) : 'no transport';
}

function tooltipOf(node: NodeSpec): string {
  const address = node.address ?? 'none';
  const viaTailscale = node.tailscaleIp !== undefined && node.address === node.tailscaleIp ? ' (tailscale_ip)' : '';
  const rows: Array<[string, string]> = [
    ['address', `${code(address)}${viaTailscale}`],
    ['ssh', node.sshHost ? code(`${node.user}@${node.sshHost}:${node.sshPort}`) : 'no `ssh_host`'],
    ['user', code(node.user)],
    ['ssh port', code(String(node.sshPort))],
    ['p2p port', node.p2pEnabled ? code(String(node.p2pPort)) : 'p2p disabled'],
  ];
  if (node.httpPort !== undefined) rows.push(['http port', code(String(node.httpPort))]);
  if (node.natBlocked) rows.push(['nat_blocked', 'p2p expected to fail']);
  rows.push(['chain', `${escapeMarkdown(chainText(node))} (${node.chainSource === 'host' ? 'from `transports:`' : 'default'})`]);
  const table = ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)];
  const syncs = node.ready ? 'synced' : 'shown, not synced';
  return [`**${escapeMarkdown(node.name)}** · ${escapeMarkdown(node.status)} (${syncs})`, '', ...table].join('\n');
}

/** A node row: label the host name, description its chain and status, children its transports. */
export function nodeEntry(node: NodeSpec, file: string): TreeEntry {
  return {
    id: `node/${node.name}`,
    kind: 'node',
    label: node.name,
    description: `${chainText(node)} · ${node.status}`,
    tooltip: tooltipOf(node),
    icon: node.ready ? { id: 'vm-running', color: 'charts.green' } : { id: 'vm-outline', color: 'disabledForeground' },
    contextValue: 'node',
    children: node.transports.map((kind, i) => transportEntry(node, kind, i + 1)),
    location: { file, line: node.range.start.line, column: node.range.start.column },
    opensOnClick: false,
  };
}
