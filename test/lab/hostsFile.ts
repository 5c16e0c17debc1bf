import * as fs from 'node:fs';
import { AGENT_PORT, SSH_PORT, type LabNodeInfo } from './nodes';

/** The lab as a `distributed_hosts.yaml` the CLI reads (the same fields the integration harness writes). */
/** `extra`: more fields per node name (e.g. `nat_blocked: true` for a node behind the `nat` profile). */
export function writeHostsFile(file: string, nodes: LabNodeInfo[], user: string, clientKey: string, extra: Record<string, Record<string, unknown>> = {}): void {
  const lines = ['# The rrlab network lab (test/lab): one host per lab node.', 'hosts:'];
  for (const n of nodes) {
    const fields = {
      ssh_host: n.address,
      ssh_port: SSH_PORT,
      ssh_user: user,
      ssh_key: clientKey,
      ringrift_path: n.root,
      p2p_port: AGENT_PORT,
      status: 'ready',
      ...extra[n.name],
    };
    lines.push(`  ${n.name}:`);
    for (const [k, v] of Object.entries(fields)) lines.push(`    ${k}: ${JSON.stringify(v)}`);
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}
