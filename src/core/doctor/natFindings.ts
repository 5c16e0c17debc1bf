import type { Finding } from './classify';
import type { NodeEvidence, ProbeEvidence } from './evidence';
import { answeredText, hostPort, nodeAnswers, portSilent, relayMode } from './facts';
import { finding } from './findingParts';
import type { Observation } from './report';

/**
 * NAT, from what NAT looks like on the wire: SYNs to the node's address go unanswered (a timeout,
 * never a refusal), while the node itself is up. Either the hosts file already says so (relay
 * mode: syncs skip the direct transports, so their failure is expected), or something proves the
 * node up on another path (its tailscale address) while its public address answers nothing, or
 * our SSH login itself landed through a port forward (vast.ai's SSH proxy, a NAT router's map).
 */

/** Our SSH login landed on the node at another port than we dialed: a port forward (SSH_CONNECTION). */
function sshForwarded(ev: NodeEvidence): boolean {
  const landed = ev.agentListen?.sshLanded;
  return landed !== undefined && !ev.target.viaProxyJump && landed.port !== ev.target.sshPort;
}

/**
 * A direct transport (p2p, rsync) of a relay-mode node gets no answer to its SYN, or p2p is refused
 * at an address whose SSH is a port forward (a provider's SSH proxy): what relay mode expects. A
 * refusal without that proof stays a refusal (see agentCause).
 */
export function relayExpected(ev: NodeEvidence, p: ProbeEvidence, silent: boolean, tried: Observation[]): Finding | undefined {
  const refusedP2p = p.transport === 'p2p' && p.code === 'refused' && sshForwarded(ev);
  if (!relayMode(ev) || !(silent || refusedP2p) || (p.transport !== 'p2p' && p.transport !== 'rsync')) return undefined;
  const t = ev.target;
  const flag = t.natBlocked ? 'nat_blocked' : 'force_relay_mode';
  const where = p.transport === 'p2p' ? hostPort(t.address ?? '', t.p2pPort) : hostPort(t.sshHost ?? '', t.sshPort);
  const got = refusedP2p ? 'refuses the connection' : `gets no answer to its SYN (${p.code ?? 'timeout'})`;
  const others = nodeAnswers(ev) ? `${answeredText(ev)} answered` : 'no other port answered from here either';
  return finding(p, 'nat_blocked', `${t.node} is marked ${flag} and ${where} ${got}, as expected: relay mode skips ${p.transport}; ${others}`,
    tried, [], { expected: true });
}

/** What answers on the node's tailscale side: its p2p (which dials tailscale_ip) or tailscale status. */
function tailscaleAnswer(ev: NodeEvidence): string | undefined {
  const t = ev.target;
  if (t.address === t.tailscaleIp && ev.probes.some((x) => x.transport === 'p2p' && x.success)) return 'p2p works over it';
  if (ev.tailscale?.found && ev.tailscale.online) return 'tailscale status: online';
  return undefined;
}

/**
 * No relay flag, yet every port of the public address (ssh_host) times out while the tailscale
 * address answers: NAT is likely (a node that is down would not be online in the tailnet).
 */
export function natLikely(ev: NodeEvidence, p: ProbeEvidence, silent: boolean, tried: Observation[]): Finding | undefined {
  const t = ev.target;
  if (relayMode(ev) || !silent || p.transport === 'p2p' || !t.tailscaleIp || !t.sshHost || t.sshHost === t.tailscaleIp) return undefined;
  const publicPorts = ev.ports.filter((x) => x.role !== 'p2p');
  const answer = tailscaleAnswer(ev);
  if (!answer || !publicPorts.length || !publicPorts.every(portSilent)) return undefined;
  const silentText = publicPorts.map((x) => `${x.role} ${hostPort(x.host, x.port)}`).join(', ');
  return finding(p, 'nat_blocked',
    `${t.sshHost} answers nothing (${silentText}: no answer to the SYN) while ${t.node}'s tailscale address ${t.tailscaleIp} answers (${answer}): the node is likely behind NAT`,
    tried, ['a firewall or security group drops every port of the public address'], { natLikely: true });
}

/**
 * The agent listens on the node, its port fails from here, and our SSH login to the same public
 * address landed on the node at another port (SSH_CONNECTION): a port-forwarding NAT that maps the
 * SSH port only. Not a firewall in front of a public node (port_blocked), and REJECT or drop alike.
 */
export function portForwarded(ev: NodeEvidence, p: ProbeEvidence, tried: Observation[]): Finding | undefined {
  const t = ev.target;
  const l = ev.agentListen;
  const landed = l?.sshLanded;
  if (!landed || l.state !== 'listening' || !sshForwarded(ev)) return undefined;
  const port = ev.ports.find((x) => x.role === (p.transport === 'http' ? 'http' : 'p2p'));
  if (!port || port.host !== t.sshHost) return undefined;
  const got = p.code === 'refused' ? 'refuses' : `gets no answer (${p.code ?? 'timeout'})`;
  return finding(p, 'nat_blocked',
    `${hostPort(port.host, port.port)} ${got}, while our SSH login to ${hostPort(t.sshHost, t.sshPort)} landed on the node at ${hostPort(landed.host, landed.port)} (a port forward) and on the node, ${l.detail}: the node is behind NAT and only its SSH port is forwarded`,
    tried, ['a firewall on the NAT router or the provider drops the agent port as well'], { port, portForward: true });
}
