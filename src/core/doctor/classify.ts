import { isAgentTransport, type TransportKind } from '../hosts/nodeSpec';
import type { TransportFailureCode } from '../transports/failureCodes';
import type { CauseId } from './causes';
import type { NodeEvidence, PortEvidence, ProbeEvidence } from './evidence';
import { agentCause } from './agentCause';
import {
  HUNG_CODES, SILENT_CODES, answeredText, hostPort, nodeAnswers, otherObservations, portObservation, portOf, portSilent, probeObservation, probeOf,
} from './facts';
import { finding, offline, unclassified } from './findingParts';
import { fixFor } from './fixes';
import { withMtuBlackhole } from './mtuFindings';
import { natLikely, relayExpected } from './natFindings';
import { diskFinding, disabledFinding, lossyFinding, stallFinding } from './nodeFindings';
import type { DoctorCause, Observation } from './report';

/**
 * The diagnosis: for each failing transport of the node's chain, the cause its evidence proves,
 * then what stops every transport (disk, a disabled node), transports that answer probes but
 * stalled on a real push, and a measured slow link. Pure: evidence in, causes with fixes out.
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
  /** nat_blocked without the hosts-file flag: the public address is silent while tailscale answers. */
  natLikely?: true;
  /** nat_blocked: our SSH login landed through a port forward that maps SSH only. */
  portForward?: true;
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

function findCauses(ev: NodeEvidence): Finding[] {
  const out: Finding[] = [];
  for (const t of ev.target.chain) {
    const p = probeOf(ev, t);
    if (!p) continue;
    if (!p.success) out.push(isAgentTransport(t) ? agentCause(ev, p) : sshCause(ev, p));
    else {
      const stalled = stallFinding(ev, p);
      if (stalled) out.push(stalled);
    }
  }
  const slow = lossyFinding(ev);
  if (slow) out.push(slow);
  const disk = diskFinding(ev);
  if (disk) out.push(disk);
  const disabled = disabledFinding(ev);
  if (disabled) out.push(disabled);
  return withMtuBlackhole(ev, out);
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
  // Our probe deadline can fire before ssh reports its connect timeout: the banner check says which.
  const silent = SILENT_CODES.has(code) || (code !== 'refused' && portSilent(sp));
  const nat = relayExpected(ev, p, silent, others) ?? natLikely(ev, p, silent, others);
  if (nat) return nat;
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
