import type { TransportKind } from '../hosts/nodeSpec';
import type { TransportFailureCode } from '../transports/failureCodes';
import type { CauseId } from './causes';
import type { NodeEvidence, PortEvidence, PortRole, ProbeEvidence } from './evidence';
import {
  AGENT_TRANSPORTS, HUNG_CODES, SILENT_CODES, allPortsRefused, answeredText, firstWorking, hostPort, nodeAnswers, otherObservations,
  portObservation, portOf, probeObservation, probeOf, sshLoginWorks, sshdSpoke,
} from './facts';
import { fixFor } from './fixes';
import { diskFinding, disabledFinding, stallFinding } from './nodeFindings';
import type { DoctorCause, Observation } from './report';

/**
 * The diagnosis: for each failing transport of the node's chain, the cause its evidence proves,
 * then what stops every transport (disk, a disabled node) and transports that answer probes but
 * stalled on a real push. Pure: evidence in, causes with fixes out.
 */

export interface Finding {
  transport: TransportKind | 'all';
  cause: CauseId;
  summary: string;
  tried: Observation[];
  couldAlsoBe: string[];
  /** The port a port_blocked / nat_blocked fix opens. */
  port?: Pick<PortEvidence, 'role' | 'host' | 'port'>;
  /** remote_tool_missing / local_tool_missing: which tool. */
  tool?: string;
  /** service_unresponsive: what hangs. */
  hung?: 'agent' | 'sshd' | 'login';
  expected?: true;
}

export function classify(ev: NodeEvidence): DoctorCause[] {
  return findCauses(ev).map((f) => ({
    transport: f.transport,
    cause: f.cause,
    ...(f.expected ? { expected: true as const } : {}),
    evidence: { summary: f.summary, tried: f.tried, couldAlsoBe: f.couldAlsoBe },
    fix: fixFor(f, ev),
  }));
}

export function findCauses(ev: NodeEvidence): Finding[] {
  const out: Finding[] = [];
  for (const t of ev.target.chain) {
    const p = probeOf(ev, t);
    if (!p) continue;
    if (!p.success) out.push(AGENT_TRANSPORTS.includes(t) ? agentCause(ev, p) : sshCause(ev, p));
    else {
      const stalled = stallFinding(ev, p);
      if (stalled) out.push(stalled);
    }
  }
  const disk = diskFinding(ev);
  if (disk) out.push(disk);
  const disabled = disabledFinding(ev);
  if (disabled) out.push(disabled);
  return out;
}

function finding(p: ProbeEvidence, cause: CauseId, summary: string, tried: Observation[], couldAlsoBe: string[] = [], extra: Partial<Finding> = {}): Finding {
  return { transport: p.transport, cause, summary, tried, couldAlsoBe, ...extra };
}

/** The same failure on a node where nothing answers: which words fit what came back. */
function offline(ev: NodeEvidence, p: ProbeEvidence): Finding {
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
  if (ev.tailscale?.available) also.push(`tailscale: ${ev.tailscale.message}`);
  if (ev.target.viaProxyJump) also.push('SSH goes through a ProxyJump host (ssh_config): that host may be what cannot reach the node');
  return finding(p, 'node_offline', summary, [probeObservation(p), ...otherObservations(ev, p.transport)], also);
}

function agentCause(ev: NodeEvidence, p: ProbeEvidence): Finding {
  const code = p.code ?? '';
  const role: PortRole = p.transport === 'http' ? 'http' : 'p2p';
  const port = portOf(ev, role);
  const tried = [probeObservation(p), ...(port ? [portObservation(port)] : [])];
  const rest = [...tried, ...otherObservations(ev, p.transport, role)];
  const where = port ? hostPort(port.host, port.port) : p.transport;
  const p2p = probeOf(ev, 'p2p');
  const http = probeOf(ev, 'http');

  if (code === 'auth_failed') return finding(p, 'auth_failed', `the RingRift orchestrator at ${where} answers 401/403: ${p.message}`, tried);
  if (code === 'unauthorized') return finding(p, 'agent_token_rejected', `the agent at ${where} answers 401: it was started with a token we do not send`, tried);
  if (code === 'bad_answer') {
    return finding(p, 'wrong_service', `${where} answers, but not as a ringrift agent: ${p.message}`, tried, ['a proxy in front of the agent', 'p2p_port points at another service']);
  }
  if (code === 'dns') return finding(p, 'address_unresolved', p.message, tried);
  const network = code === 'refused' || SILENT_CODES.has(code) || HUNG_CODES.has(code);
  if (!network) return unclassified(ev, p, rest);

  if (p.transport === 'http' && p2p?.success && (code === 'refused' || SILENT_CODES.has(code))) {
    return finding(p, 'nat_blocked', `the agent answers p2p at ${ev.target.address}:${ev.target.p2pPort} but not on its public address ${where} (${code})`,
      [...tried, probeObservation(p2p)], ['p2p_public_port is not mapped to the agent port by the provider'], { port: port ?? undefined });
  }
  if (!nodeAnswers(ev)) return offline(ev, p);
  if (ev.target.natBlocked && p.transport === 'p2p' && SILENT_CODES.has(code)) {
    return finding(p, 'nat_blocked', `${ev.target.node} is marked nat_blocked and ${where} does not connect (${code}), as expected; ${answeredText(ev)} answered`,
      rest, [], { expected: true });
  }
  if (code === 'refused') {
    if (p.transport === 'p2p' && http?.success) {
      return unclassified(ev, p, rest,
        `the agent answers on its public address but ${where} refuses: it may listen on one address only (--bind), or p2p_port is not the port p2p_public_port maps to`);
    }
    const login = sshLoginWorks(ev) ? 'SSH login works' : sshdSpoke(ev) ? 'sshd answers (login fails, see its cause)' : `${answeredText(ev)} answered`;
    return finding(p, 'agent_not_running', `${where} refuses the connection while the node answers (${login}): nothing listens on the agent port`,
      rest, [`the agent runs on another port than p2p_port ${ev.target.p2pPort}`, `a firewall REJECTs port ${port?.port ?? ev.target.p2pPort}`]);
  }
  if (HUNG_CODES.has(code) || port?.outcome === 'open') {
    const alsoSsh = ev.ports.some((x) => x.role === 'ssh' && x.outcome === 'open' && x.spoke === false);
    return finding(p, 'service_unresponsive', `${where} accepts TCP but the agent never answered GET /health (${code}, ${p.latencyMs} ms)`,
      rest,
      [alsoSsh ? 'sshd is silent too: the whole node may be hung (load, memory, disk I/O)' : 'another program holds the port and says nothing'], { hung: 'agent' });
  }
  // SILENT: no TCP connection in time while something else of the node answered.
  if (p.transport === 'p2p' && ev.target.tailscaleIp && ev.target.address === ev.target.tailscaleIp && ev.tailscale?.available && !(ev.tailscale.found && ev.tailscale.online)) {
    return finding(p, 'tailscale_down', `${where} does not connect and tailscale says: ${ev.tailscale.message}`, [...tried, tailscaleObservation(ev)],
      ['tailscale on this machine is logged out or stopped']);
  }
  return finding(p, 'port_blocked', `connecting to ${where} times out (${code}) while ${answeredText(ev)} answered: packets to that port are dropped`,
    rest, ['the provider does not map or expose that port', 'the agent is stopped and a firewall drops instead of refusing',
      'the node is behind NAT: then mark it nat_blocked: true in the hosts file (syncs start past p2p)'],
    { port: port ?? { role, host: ev.target.address ?? '', port: ev.target.p2pPort } });
}

const SSH_PROVEN: Partial<Record<TransportFailureCode, CauseId>> = {
  host_key_changed: 'host_key_changed',
  host_key_unknown: 'host_key_unknown',
  host_key_revoked: 'host_key_revoked',
  auth_failed: 'ssh_auth_failed',
  remote_tool_missing: 'remote_tool_missing',
  disk_full: 'disk_full',
  local_tool_missing: 'local_tool_missing',
  dns: 'address_unresolved',
};

function sshCause(ev: NodeEvidence, p: ProbeEvidence): Finding {
  const code = p.code ?? '';
  const sp = portOf(ev, 'ssh');
  const tried = [probeObservation(p), ...(sp ? [portObservation(sp)] : [])];
  const where = sp ? hostPort(sp.host, sp.port) : `${ev.target.sshHost}:${ev.target.sshPort}`;
  const proven = p.code && SSH_PROVEN[p.code];
  if (proven) return provenSsh(ev, p, proven, tried);

  const network = code === 'refused' || SILENT_CODES.has(code) || HUNG_CODES.has(code);
  const others = [...tried, ...otherObservations(ev, p.transport, 'ssh')];
  if (!network) return unclassified(ev, p, others);
  if (!nodeAnswers(ev)) return offline(ev, p);
  if (code === 'refused' || sp?.outcome === 'refused') {
    return finding(p, 'sshd_not_running', `${where} refuses SSH while ${answeredText(ev)} answered: sshd is not running there`, others,
      [`ssh_port ${ev.target.sshPort} is not the port sshd listens on`, 'a firewall REJECTs the SSH port']);
  }
  if (sp?.outcome === 'open') {
    return sp.spoke
      ? finding(p, 'service_unresponsive', `sshd at ${where} greets ('${sp.banner ?? ''}') but the login or the command never finished (${code}, ${p.latencyMs} ms)`, others,
          ['a slow or blocking login script (~/.bashrc) or ForceCommand', 'the node is overloaded or its home disk is full'], { hung: 'login' })
      : finding(p, 'service_unresponsive', `${where} accepts TCP but never sends the SSH banner: sshd is hung, or the port holds another program`, others,
          ['sshd is at MaxStartups (too many unauthenticated connections)', 'the whole node is hung (load, memory, disk I/O)'], { hung: 'sshd' });
  }
  if (SILENT_CODES.has(code) || sp) {
    const via = ev.target.viaProxyJump ? ['the ProxyJump host in ssh_config cannot reach the node'] : [];
    return finding(p, 'port_blocked', `connecting to SSH at ${where} times out (${code}) while ${answeredText(ev)} answered: packets to that port are dropped`, others,
      [...via, 'the provider does not expose that port', 'sshd is stopped and a firewall drops instead of refusing'],
      { port: { role: 'ssh', host: ev.target.sshHost ?? '', port: ev.target.sshPort } });
  }
  return finding(p, 'service_unresponsive', `SSH to ${where} connected but did not finish in time (${code}, ${p.latencyMs} ms)`, others, [], { hung: 'sshd' });
}

function provenSsh(ev: NodeEvidence, p: ProbeEvidence, cause: CauseId, tried: Observation[]): Finding {
  if (cause === 'ssh_auth_failed') {
    return finding(p, cause, `sshd answers but refuses our key: ${p.message}`, tried,
      [`wrong ssh_user (${ev.target.user})`, 'the key has a passphrase and neither ssh-agent nor a prompt supplied it']);
  }
  if (cause === 'remote_tool_missing') {
    const tool = /\b(rsync|base64|sha256sum|shasum)\b/.exec(p.message)?.[1] ?? (p.transport === 'rsync' ? 'rsync' : 'base64');
    return finding(p, cause, `${tool} is not available on ${ev.target.node}: ${p.message}`, tried,
      tool === 'rsync' ? ['a ForceCommand or restricted shell on the node refuses rsync'] : [], { tool });
  }
  if (cause === 'local_tool_missing') return finding(p, cause, p.message, tried, [], { tool: 'rsync' });
  if (cause.startsWith('host_key') && ev.hostKey) {
    const hk = ev.hostKey;
    const line = hk.line ? ` (${hk.knownHostsFile}:${hk.line} holds ${hk.knownFingerprint ?? 'another key'})` : '';
    tried.push({ check: `host key ${hostPort(hk.host, hk.port)}`, result: hk.status, detail: `presents ${hk.keyType ?? ''} ${hk.presentedFingerprint ?? '?'}${line}`.trim() });
  }
  const also = cause === 'host_key_changed' ? ['someone intercepts the connection: compare the new fingerprint with the provider console before removing the old key'] : [];
  return finding(p, cause, p.message, tried, also);
}

/** `tried`: everything observed that bears on it (callers pass the full list). */
function unclassified(ev: NodeEvidence, p: ProbeEvidence, tried: Observation[], summary?: string): Finding {
  return finding(p, 'unclassified', summary ?? `${p.transport} failed with '${p.code ?? 'no code'}': ${p.message}`,
    tried, firstWorking(ev) ? [] : ['no transport of the chain works now']);
}

function tailscaleObservation(ev: NodeEvidence): Observation {
  const ts = ev.tailscale;
  return { check: 'tailscale status', result: !ts?.available ? 'unavailable' : ts.found ? (ts.online ? 'online' : 'offline') : 'not found', detail: ts?.message ?? '' };
}
