import type { NodeSpec, TransportKind } from '../hosts/nodeSpec';
import { manualCommands } from '../transports/manualCommands';
import type { NodeEvidence, TargetFacts } from './evidence';
import type { DoctorFix } from './report';

/**
 * For a failure no rule explains: the runbook's manual check of that transport (curl the agent,
 * ssh in, rsync, base64), so the operator sees the tool's own words.
 */

/** The fields manualCommands reads, rebuilt from the evidence (which keeps no NodeSpec). */
function specOf(t: TargetFacts): NodeSpec {
  return {
    name: t.node, address: t.address, sshHost: t.sshHost, tailscaleIp: t.tailscaleIp, user: t.user, sshPort: t.sshPort, sshKey: t.sshKey,
    p2pEnabled: t.chain.includes('p2p'), p2pPort: t.p2pPort, httpPort: t.httpPort, status: 'ready', ready: true, natBlocked: t.natBlocked,
    remoteBase: t.remoteBase, bandwidthLimitMbps: undefined, transports: t.chain, chainSource: 'default', fields: {},
    range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
  };
}

export function manualFix(ev: NodeEvidence, transport: TransportKind | 'all'): DoctorFix {
  const all = manualCommands(specOf(ev.target));
  const pick = all.find((c) => c.transport === transport) ?? all.find((c) => c.transport === 'ssh') ?? all[0];
  if (!pick) return { title: `Check ${ev.target.node}'s entry in the hosts file`, command: 'ringrift-sync validate', changes: 'nothing', runOn: 'here' };
  return { title: `Run the runbook's manual check (${pick.comment}) and read its own error`, command: pick.command, changes: pick.transport === 'ssh' || pick.transport === 'p2p' || pick.transport === 'http' ? 'nothing' : 'node', runOn: 'here' };
}
