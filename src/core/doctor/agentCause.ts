import type { Finding } from './classify';
import type { NodeEvidence, PortEvidence, PortRole, ProbeEvidence } from './evidence';
import {
  HUNG_CODES, SILENT_CODES, answeredText, hostPort, nodeAnswers, otherObservations, portObservation, portOf, probeObservation, probeOf, sshLoginWorks, sshdSpoke,
} from './facts';
import { finding, listenObservation, offline, tailscaleObservation, unclassified } from './findingParts';
import { natLikely, portForwarded, relayExpected } from './natFindings';
import type { Observation } from './report';

/**
 * The cause of a failing p2p / http probe. A port that refuses or times out from here is told
 * apart by what the node says over SSH (`agentListen`): something listens -> a firewall
 * (port_blocked); nothing listens -> the agent is down (agent_not_running).
 */

interface Ctx {
  ev: NodeEvidence;
  p: ProbeEvidence;
  port?: PortEvidence;
  role: PortRole;
  where: string;
  tried: Observation[];
  /** Everything observed, for the network causes. */
  rest: Observation[];
}

export function agentCause(ev: NodeEvidence, p: ProbeEvidence): Finding {
  const code = p.code ?? '';
  const role: PortRole = p.transport === 'http' ? 'http' : 'p2p';
  const port = portOf(ev, role);
  const tried = [probeObservation(p), ...(port ? [portObservation(port)] : [])];
  const rest = [...tried, ...listenObservation(ev), ...otherObservations(ev, p.transport, role)];
  const where = port ? hostPort(port.host, port.port) : p.transport;
  const c: Ctx = { ev, p, port, role, where, tried, rest };

  if (code === 'auth_failed') return finding(p, 'auth_failed', `the RingRift orchestrator at ${where} answers 401/403: ${p.message}`, tried);
  if (code === 'unauthorized') return finding(p, 'agent_token_rejected', `the agent at ${where} answers 401: it was started with a token we do not send`, tried);
  if (code === 'bad_answer') {
    return finding(p, 'wrong_service', `${where} answers, but not as a ringrift agent: ${p.message}`, tried, ['a proxy in front of the agent', 'p2p_port points at another service']);
  }
  if (code === 'dns') return finding(p, 'address_unresolved', p.message, tried);
  const silent = SILENT_CODES.has(code);
  if (code !== 'refused' && !silent && !HUNG_CODES.has(code)) return unclassified(ev, p, rest);

  const p2p = probeOf(ev, 'p2p');
  if (p.transport === 'http' && p2p?.success && (code === 'refused' || silent)) {
    return finding(p, 'nat_blocked', `the agent answers p2p at ${ev.target.address}:${ev.target.p2pPort} but not on its public address ${where} (${code})`,
      [...tried, probeObservation(p2p)], ['p2p_public_port is not mapped to the agent port by the provider'], { port: port ?? undefined });
  }
  const nat = relayExpected(ev, p, silent, rest) ?? natLikely(ev, p, silent, rest) ?? portForwarded(ev, p, rest);
  if (nat) return nat;
  if (!nodeAnswers(ev)) return offline(ev, p);
  if (code === 'refused') return refusedCause(c);
  if (HUNG_CODES.has(code) || port?.outcome === 'open') {
    const alsoSsh = ev.ports.some((x) => x.role === 'ssh' && x.outcome === 'open' && x.spoke === false);
    return finding(p, 'service_unresponsive', `${where} accepts TCP but the agent never answered GET /health (${code}, ${p.latencyMs} ms)`,
      rest,
      [alsoSsh ? 'sshd is silent too: the whole node may be hung (load, memory, disk I/O)' : 'another program holds the port and says nothing'], { hung: 'agent' });
  }
  return silentCause(c);
}

function blockedPort(c: Ctx): Finding['port'] {
  return c.port ?? { role: c.role, host: c.ev.target.address ?? '', port: c.ev.target.p2pPort };
}

/** RST from the agent's port while the node answers: REJECTed (it listens) or nothing there. */
function refusedCause(c: Ctx): Finding {
  const { ev, p, where, rest } = c;
  const l = ev.agentListen;
  if (p.transport === 'p2p' && probeOf(ev, 'http')?.success) {
    return unclassified(ev, p, rest,
      `the agent answers on its public address but ${where} refuses: it may listen on one address only (--bind), or p2p_port is not the port p2p_public_port maps to`);
  }
  if (l?.state === 'listening') {
    const loopback = l.tool === 'bash' || l.tool === 'curl' ? ['the agent listens on 127.0.0.1 only (--bind): then restart it bound to 0.0.0.0'] : [];
    return finding(p, 'port_blocked', `${where} refuses the connection from here, but on the node, ${l.detail}: a firewall REJECTs the port`, rest, loopback, { port: blockedPort(c) });
  }
  const login = sshLoginWorks(ev) ? 'SSH login works' : sshdSpoke(ev) ? 'sshd answers (login fails, see its cause)' : `${answeredText(ev)} answered`;
  const why = l?.state === 'loopback_only'
    ? `the agent listens on loopback only (${l.detail}): restart it bound to all addresses`
    : `nothing listens on the agent port${l?.state === 'not_listening' ? ` (on the node, ${l.detail})` : ''}`;
  const also = [`the agent runs on another port than p2p_port ${ev.target.p2pPort}`];
  if (l?.state === 'other_address') also.push(`on the node, ${l.detail}: if NAT maps ${where} there, a firewall REJECTs the port`);
  if (!l || l.state === 'unknown') also.push(`a firewall REJECTs port ${c.port?.port ?? ev.target.p2pPort}${l ? ` (the node could not say: ${l.detail})` : ''}`);
  return finding(p, 'agent_not_running', `${where} refuses the connection while the node answers (${login}): ${why}`, rest, also);
}

/** No TCP connection in time while something else of the node answered. */
function silentCause(c: Ctx): Finding {
  const { ev, p, where, rest } = c;
  const code = p.code ?? '';
  const t = ev.target;
  if (p.transport === 'p2p' && t.tailscaleIp && t.address === t.tailscaleIp && ev.tailscale?.available && !(ev.tailscale.found && ev.tailscale.online)) {
    return finding(p, 'tailscale_down', `${where} does not connect and tailscale says: ${ev.tailscale.message}`, [...c.tried, tailscaleObservation(ev)],
      ['tailscale on this machine is logged out or stopped']);
  }
  const l = ev.agentListen;
  if (l?.state === 'not_listening' || l?.state === 'loopback_only') {
    return finding(p, 'agent_not_running', `${where} times out (${code}) and on the node, ${l.detail}: the agent is not running there (the port also drops packets: open it once the agent runs)`,
      rest, [`the agent runs on another port than p2p_port ${t.p2pPort}`]);
  }
  const onNode = l?.state === 'listening' ? `; on the node, ${l.detail}` : '';
  return finding(p, 'port_blocked', `connecting to ${where} times out (${code}) while ${answeredText(ev)} answered${onNode}: packets to that port are dropped`,
    rest, [
      'the provider does not map or expose that port',
      ...(l?.state === 'listening' ? [] : ['the agent is stopped and a firewall drops instead of refusing']),
      'the node is behind NAT: then mark it nat_blocked: true (RingRift relay mode: syncs skip p2p and rsync, try base64 then http)',
    ],
    { port: blockedPort(c) });
}
