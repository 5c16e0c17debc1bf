import type { CauseId } from './causes';
import type { Finding } from './classify';
import type { NodeEvidence, ProbeEvidence } from './evidence';
import { allPortsRefused, firstWorking, hostPort, otherObservations, probeObservation, relayMode } from './facts';
import type { Observation } from './report';

/** Building blocks the cause rules share (classify.ts, agentCause.ts, natFindings.ts). */

export function finding(p: ProbeEvidence, cause: CauseId, summary: string, tried: Observation[], couldAlsoBe: string[] = [], extra: Partial<Finding> = {}): Finding {
  return { transport: p.transport, cause, summary, tried, couldAlsoBe, ...extra };
}

/** The same failure on a node where nothing answers: which words fit what came back. */
export function offline(ev: NodeEvidence, p: ProbeEvidence): Finding {
  const refused = allPortsRefused(ev);
  const checked = ev.ports.map((x) => `${x.role} ${hostPort(x.host, x.port)} ${x.outcome}`).join(', ') || 'no port check ran';
  const summary = refused
    ? `no port of ${ev.target.node} answers: every one refused (${checked}); the address is up but no service listens`
    : `no port of ${ev.target.node} answers (${checked})`;
  const someRefused = ev.ports.some((x) => x.outcome === 'refused');
  const also = refused
    ? ['the machine is up but sshd and the agent are stopped (after a reboot): start them from the provider console', 'a firewall REJECTs every port']
    : someRefused
      ? ['the machine is up (a port refused) but its services are stopped and the other ports filtered', 'a firewall drops or rejects every port']
      : ['a firewall or security group drops every port', 'the network path (or tailscale) to the node is down, not the node'];
  if (!refused && relayMode(ev)) {
    also.push('it is nat_blocked (accepts no inbound connection), and relay mode still needs SSH to ssh_host for base64: give it an SSH path (ProxyJump, the provider\'s SSH proxy)');
  } else if (!refused) {
    also.push('the node is behind NAT (connects out, nothing connects in): if so, mark it nat_blocked: true and give it an SSH path');
  }
  if (ev.tailscale?.available) also.push(`tailscale: ${ev.tailscale.message}`);
  if (ev.target.viaProxyJump) also.push('SSH goes through a ProxyJump host (ssh_config): that host may be what cannot reach the node');
  return finding(p, 'node_offline', summary, [probeObservation(p), ...otherObservations(ev, p.transport)], also);
}

/** `tried`: everything observed that bears on it (callers pass the full list). */
export function unclassified(ev: NodeEvidence, p: ProbeEvidence, tried: Observation[], summary?: string): Finding {
  return finding(p, 'unclassified', summary ?? `${p.transport} failed with '${p.code ?? 'no code'}': ${p.message}`,
    tried, firstWorking(ev) ? [] : ['no transport of the chain works now']);
}

export function tailscaleObservation(ev: NodeEvidence): Observation {
  const ts = ev.tailscale;
  return { check: 'tailscale status', result: !ts?.available ? 'unavailable' : ts.found ? (ts.online ? 'online' : 'offline') : 'not found', detail: ts?.message ?? '' };
}

/** The agent-port question asked over SSH, as one observation. */
export function listenObservation(ev: NodeEvidence): Observation[] {
  const l = ev.agentListen;
  return l ? [{ check: `listening on :${l.port} (on the node, ${l.tool})`, result: l.state, detail: l.detail }] : [];
}
