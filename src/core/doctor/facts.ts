import { AGENT_TRANSPORTS, SSH_TRANSPORTS, type TransportKind } from '../hosts/nodeSpec';
import type { TransportFailureCode } from '../transports/failureCodes';
import type { NodeEvidence, PortEvidence, PortRole, ProbeEvidence } from './evidence';
import type { Observation } from './report';

/** Questions `classify` asks of the evidence, each answered from what was observed only. */


/** A set of probe codes: each one checked against the transports' union, looked up with any string. */
const codeSet = (...codes: TransportFailureCode[]): ReadonlySet<string> => new Set(codes);

/** SSH probe codes that can only come back after sshd spoke (it said its banner, or more). */
const SSHD_SPOKE_CODES = codeSet(
  'auth_failed', 'host_key_changed', 'host_key_unknown', 'host_key_revoked', 'remote_tool_missing', 'remote_error',
  'remote_rsync_no_mkpath', 'remote_permission_denied', 'disk_full',
);
/** Probe codes for "no TCP connection in time" (packets dropped, or no route). */
export const SILENT_CODES = codeSet('connect_timeout', 'unreachable');
/** Probe codes for "connected (or started to), then nothing came back in time". */
export const HUNG_CODES = codeSet('no_answer', 'handshake_timeout', 'timeout', 'disconnected', 'idle_timeout');

/** The port check got no answer to its SYN (timeout) or had no route: nothing reached the node. */
export function portSilent(p: PortEvidence | undefined): boolean {
  return p !== undefined && (p.outcome === 'timeout' || p.outcome === 'unreachable');
}

/** The hosts file puts the node in RingRift relay mode (nat_blocked / force_relay_mode): no direct connection expected. */
export function relayMode(ev: NodeEvidence): boolean {
  return ev.target.natBlocked || ev.target.forceRelayMode === true;
}

/** Ask the node over SSH whether the agent listens: an agent transport refused or timed out while we can log in. */
export function wantsAgentListen(ev: NodeEvidence): boolean {
  const blocked = AGENT_TRANSPORTS.some((t) => {
    const code = probeOf(ev, t)?.code ?? '';
    return code === 'refused' || SILENT_CODES.has(code);
  });
  // A relay-mode node's refused p2p is asked about too: a port-forwarded SSH makes it expected.
  const refusedP2p = probeOf(ev, 'p2p')?.code === 'refused';
  return blocked && (!relayMode(ev) || refusedP2p) && sshLoginWorks(ev);
}

export function probeOf(ev: NodeEvidence, t: TransportKind): ProbeEvidence | undefined {
  return ev.probes.find((p) => p.transport === t);
}

export function portOf(ev: NodeEvidence, role: PortRole): PortEvidence | undefined {
  return ev.ports.find((p) => p.role === role);
}

function anyProbeOk(ev: NodeEvidence): boolean {
  return ev.probes.some((p) => p.success);
}

/** A TCP connection to some port of the node was accepted. */
function anyPortAccepted(ev: NodeEvidence): boolean {
  return ev.ports.some((p) => p.outcome === 'open');
}

/** Some service of the node answered something: a port accepted, a probe passed, or sshd spoke. */
export function nodeAnswers(ev: NodeEvidence): boolean {
  return anyPortAccepted(ev) || anyProbeOk(ev) || sshdSpoke(ev);
}

/** sshd said its banner, or an SSH probe got far enough that it must have. */
export function sshdSpoke(ev: NodeEvidence): boolean {
  if (portOf(ev, 'ssh')?.spoke) return true;
  return SSH_TRANSPORTS.some((t) => {
    const p = probeOf(ev, t);
    return p !== undefined && (p.success || SSHD_SPOKE_CODES.has(p.code ?? ''));
  });
}

/** We can log in and run commands (an SSH transport's probe passed). */
export function sshLoginWorks(ev: NodeEvidence): boolean {
  return SSH_TRANSPORTS.some((t) => probeOf(ev, t)?.success === true);
}

/** Every port checked refused (the machine sent RSTs: up, but nothing listens, or a REJECT rule). */
export function allPortsRefused(ev: NodeEvidence): boolean {
  return ev.ports.length > 0 && ev.ports.every((p) => p.outcome === 'refused');
}

/** The first transport of the chain whose probe passed. */
export function firstWorking(ev: NodeEvidence): TransportKind | undefined {
  return ev.target.chain.find((t) => probeOf(ev, t)?.success === true);
}

/** Short outcome word of a port check. */
function portResult(p: PortEvidence): string {
  if (p.outcome !== 'open') return p.outcome;
  if (p.role !== 'ssh') return 'open';
  return p.spoke ? 'spoke' : 'silent';
}

export function portObservation(p: PortEvidence): Observation {
  const kind = p.role === 'ssh' ? 'ssh banner' : `tcp (${p.role} port)`;
  return { check: `${kind} ${hostPort(p.host, p.port)}`, result: portResult(p), latencyMs: p.latencyMs, detail: p.message };
}

export function probeObservation(p: ProbeEvidence): Observation {
  return { check: `${p.transport} probe`, result: p.success ? 'ok' : (p.code ?? 'failed'), latencyMs: p.latencyMs, detail: p.message };
}

/** Observations of the port checks (but `exceptRole`'s) and the other probes, for "what else answered". */
export function otherObservations(ev: NodeEvidence, except: TransportKind, exceptRole?: PortRole): Observation[] {
  return [
    ...ev.ports.filter((p) => p.role !== exceptRole).map(portObservation),
    ...ev.probes.filter((p) => p.transport !== except).map(probeObservation),
  ];
}

export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Port checks that answered, in words: "ssh banner 10.0.0.5:22 (spoke)". */
export function answeredText(ev: NodeEvidence): string {
  const answered = ev.ports.filter((p) => p.outcome === 'open').map((p) => `${p.role} port ${hostPort(p.host, p.port)} (${portResult(p)})`);
  const probes = ev.probes.filter((p) => p.success).map((p) => `${p.transport} probe`);
  return [...answered, ...probes].join(', ') || 'nothing';
}
