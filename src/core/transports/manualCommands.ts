import { DEFAULT_SSH_PORT } from '../hosts/defaults';
import type { NodeSpec, TransportKind } from '../hosts/nodeSpec';
import { shellQuote, shellQuoteRemotePath } from './remotePath';

/**
 * The runbook's manual commands for one node (curl the agent, ssh in, rsync, base64 over ssh),
 * with its real address, port, user and key, for an operator to paste into a terminal when the
 * tool itself is in doubt. Pure text; every value is shell-quoted where it needs to be.
 */
export interface ManualCommand {
  transport: TransportKind | 'ssh';
  /** What the line checks or does. */
  comment: string;
  command: string;
}

const LOCAL = 'FILE';

function word(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : shellQuote(s);
}

function sshOptions(node: NodeSpec): string[] {
  const opts = ['-o', 'ConnectTimeout=5'];
  if (node.sshPort !== DEFAULT_SSH_PORT) opts.unshift('-p', String(node.sshPort));
  if (node.sshKey) opts.unshift('-i', word(node.sshKey));
  return opts;
}

/** `remote` under the node's base, quoted for the node's shell (`~/x` stays expandable). */
function remoteTarget(node: NodeSpec, remote: string): string {
  const base = node.remoteBase ? node.remoteBase.replace(/\/+$/, '') : '';
  return base ? `${base}/${remote}` : remote;
}

export function manualCommands(node: NodeSpec, remote = LOCAL): ManualCommand[] {
  const out: ManualCommand[] = [];
  if (node.transports.includes('p2p') && node.address) {
    out.push({ transport: 'p2p', comment: `p2p agent on ${node.address}:${node.p2pPort}`, command: `curl -sS --max-time 5 http://${node.address}:${node.p2pPort}/health` });
  }
  if (node.transports.includes('http') && node.sshHost && node.httpPort !== undefined) {
    out.push({ transport: 'http', comment: `agent on the alternate address`, command: `curl -sS --max-time 5 http://${node.sshHost}:${node.httpPort}/health` });
  }
  if (!node.sshHost) return out;
  const dest = `${word(node.user)}@${word(node.sshHost)}`;
  const ssh = ['ssh', ...sshOptions(node)].join(' ');
  const target = remoteTarget(node, remote);
  out.push({ transport: 'ssh', comment: 'log in', command: `${ssh} ${dest} 'echo ok; df -h .'` });
  if (node.transports.includes('rsync')) {
    const e = ['ssh', ...sshOptions(node)].join(' ');
    out.push({
      transport: 'rsync',
      comment: `push ${LOCAL} with rsync (resumable)`,
      command: `rsync -av --partial --progress -e ${shellQuote(e)} ${LOCAL} ${dest}:${shellQuote(target)}`,
    });
  }
  if (node.transports.includes('base64')) {
    out.push({
      transport: 'base64',
      comment: `push ${LOCAL} as base64 over ssh (last resort)`,
      command: `base64 < ${LOCAL} | ${ssh} ${dest} ${shellQuote(`base64 -d > ${shellQuoteRemotePath(target)}`)}`,
    });
  }
  return out;
}

/** The commands as a script: `# comment` then the line, ready for the clipboard. */
export function manualCommandsText(node: NodeSpec, remote = LOCAL): string {
  const lines = [`# ${node.name}: the runbook's manual checks (replace ${LOCAL} with the file to push)`];
  for (const c of manualCommands(node, remote)) lines.push(`# ${c.transport}: ${c.comment}`, c.command);
  return lines.join('\n') + '\n';
}
