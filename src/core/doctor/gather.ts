import type { NodeSpec, TransportKind } from '../hosts/nodeSpec';
import type { RouterState } from '../router/routerState';
import { inspectHostKey } from '../ssh/hostKeyChange';
import { diskSpace } from '../ssh/nodeCommands';
import { resolveSshTarget } from '../ssh/target';
import { opensshKnownHostsFile } from '../ssh/userFiles';
import { bannerCheck, tailscalePeer, tcpCheck } from '../transports/netChecks';
import type { Transport, TransportOptions } from '../transports/transport';
import { withDeadline } from '../deadline';
import { inOwnRound } from '../transports/probeRound';
import { agentDisk } from './agentStatus';
import { knownHostsOptions } from './commands';
import { agentListenEvidence } from './listenCheck';
import { measureThroughput } from './measure';
import { pathMtuEvidence } from './pathMtuCheck';
import type { DiskEvidence, FixContext, HistoryEvidence, HostKeyEvidence, NodeEvidence, PortEvidence, TailscaleEvidence, TargetFacts } from './evidence';
import { probeOf, sshLoginWorks, wantsAgentListen } from './facts';

/**
 * Collects the evidence for one node: every transport's probe, TCP to the agent ports and the SSH
 * banner with latency, the agent's free disk, `tailscale status` when the node has a tailscale_ip,
 * and its history; all at once, each bounded. Then, only where they can tell more: the host key
 * known_hosts disagrees with, `df` over SSH when the agent could not say, and whether the agent
 * listens on the node when its port fails from here. Nothing is changed; with `measure`, a small
 * test file is pushed and removed again (measure.ts).
 *
 * Bounds: the first phase is one connect timeout on a node that answers nothing (every check fails
 * at its own connect timeout, all at once); the second phase only runs checks that need an answer
 * (a presented host key, an SSH login), so a silent node is diagnosed in about one connect timeout.
 */

export interface DoctorDeps {
  transports: Record<TransportKind, Transport>;
  transportOptions: TransportOptions;
  /** Router state, for history; absent: no history evidence. */
  readState?: () => RouterState;
}

export interface GatherOptions {
  /** Size of the file to push (`--path`). */
  neededBytes?: number;
  pushPath?: string;
  /** Floor of free space when no size is given. Default 1 GiB. */
  minFreeBytes?: number;
  agentRestartCommand?: string;
  cliArgs?: string[];
  /** Time a small push over the first working transport (`doctor --measure`). */
  measure?: boolean;
  signal: AbortSignal;
}

const DEFAULT_MIN_FREE_BYTES = 1024 ** 3;
const HISTORY_SHOWN = 20;
/** Slack over the checks' own bounds before a phase is cut short. */
const PHASE_SLACK_MS = 3000;
const TAILSCALE_BOUND_MS = 5000;

export async function gatherEvidence(node: NodeSpec, deps: DoctorDeps, opts: GatherOptions): Promise<NodeEvidence> {
  const t0 = Date.now();
  const o = deps.transportOptions;
  const phaseMs = Math.max(o.probeTimeoutMs, o.connectTimeoutMs, TAILSCALE_BOUND_MS) + PHASE_SLACK_MS;
  const { target, sshCheckHost } = await targetFacts(node, o);
  const context: FixContext = {
    knownHostsFile: o.knownHostsFile,
    sshOptions: knownHostsOptions(o.knownHostsFile, opensshKnownHostsFile(o.env)),
    agentRestartCommand: opts.agentRestartCommand,
    base64ChunkBytes: o.base64ChunkBytes,
    pushPath: opts.pushPath,
    cliArgs: opts.cliArgs ?? [],
  };

  const [probes, ports, disk, tailscale] = await withDeadline(opts.signal, phaseMs, (first) => Promise.all([
    inOwnRound(first, (round) => Promise.all(node.transports.map(async (k) => {
      const r = await deps.transports[k].probe(node, first, round);
      return { transport: k, success: r.success, message: r.message, latencyMs: Math.round(r.latencyMs), ...(r.code ? { code: r.code } : {}) };
    }))),
    portChecks(node, target, sshCheckHost, o, first),
    agentDisk(node, o, first),
    node.tailscaleIp ? tailscaleEvidence(node.tailscaleIp, o.env, first) : Promise.resolve(undefined),
  ]));
  const ev: NodeEvidence = {
    target, context, startedAt: new Date(t0).toISOString(), durationMs: 0, probes, ports,
    minFreeBytes: opts.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES,
    ...(opts.neededBytes !== undefined ? { neededBytes: opts.neededBytes } : {}),
    ...(disk ? { disk } : {}),
    ...(tailscale ? { tailscale } : {}),
    ...(deps.readState ? { history: historyOf(deps.readState(), node.name) } : {}),
  };

  const answering = answeringAgentPort(ev);
  const [hostKey, sshDisk, agentListen, pathMtu] = await withDeadline(opts.signal, phaseMs, (second) => Promise.all([
    probes.some((p) => p.code?.startsWith('host_key_')) ? hostKeyEvidence(node, o, second) : Promise.resolve(undefined),
    ev.disk?.freeBytes === undefined && sshLoginWorks(ev) ? sshDiskEvidence(node, o, second) : Promise.resolve(undefined),
    wantsAgentListen(ev) ? agentListenEvidence(node, o, second, o.probeTimeoutMs) : Promise.resolve(undefined),
    answering ? pathMtuEvidence(answering.host, answering.port, second) : Promise.resolve(undefined),
  ]));
  if (hostKey) ev.hostKey = hostKey;
  if (sshDisk) ev.disk = sshDisk.freeBytes !== undefined || !ev.disk ? sshDisk : ev.disk;
  if (agentListen) ev.agentListen = agentListen;
  if (pathMtu) ev.pathMtu = pathMtu;
  const throughput = opts.measure ? await measureThroughput(node, deps.transports, o, ev, opts.signal) : undefined;
  if (throughput) ev.throughput = throughput;
  ev.durationMs = Date.now() - t0;
  return ev;
}

/** The agent port whose probe answered (p2p first): where the path-MTU check asks. */
function answeringAgentPort(ev: NodeEvidence): PortEvidence | undefined {
  return ev.ports.find((x) => (x.role === 'p2p' || x.role === 'http') && probeOf(ev, x.role)?.success);
}

/** The node's fields, with user and port as SSH will really use them (ssh_config applied). */
async function targetFacts(node: NodeSpec, o: TransportOptions): Promise<{ target: TargetFacts; sshCheckHost?: string }> {
  const facts: TargetFacts = {
    node: node.name, address: node.address, sshHost: node.sshHost, tailscaleIp: node.tailscaleIp, user: node.user, sshPort: node.sshPort,
    sshKey: node.sshKey, p2pPort: node.p2pPort, httpPort: node.httpPort, remoteBase: node.remoteBase, natBlocked: node.natBlocked,
    ...(node.forceRelayMode ? { forceRelayMode: true } : {}), chain: node.transports, viaProxyJump: false,
  };
  if (!node.sshHost) return { target: facts };
  const resolved = await resolveSshTarget(node, node.sshHost, o.env, o.sshConfigFile);
  if (!resolved.ok) return { target: facts };
  facts.user = resolved.value.user;
  facts.sshPort = resolved.value.port;
  facts.viaProxyJump = resolved.value.jumps.length > 0;
  // HostName from ssh_config: where TCP really goes (fix commands keep the alias, ssh resolves it).
  return { target: facts, sshCheckHost: resolved.value.host };
}

function portChecks(node: NodeSpec, target: TargetFacts, sshCheckHost: string | undefined, o: TransportOptions, signal: AbortSignal): Promise<PortEvidence[]> {
  const checks: Array<Promise<PortEvidence>> = [];
  const ms = o.connectTimeoutMs;
  if (node.transports.includes('p2p') && node.address) {
    const host = node.address;
    checks.push(tcpCheck(host, node.p2pPort, ms, signal).then((r) => ({ role: 'p2p', host, port: node.p2pPort, ...r })));
  }
  if (node.transports.includes('http') && node.sshHost && node.httpPort !== undefined) {
    const host = node.sshHost;
    const port = node.httpPort;
    checks.push(tcpCheck(host, port, ms, signal).then((r) => ({ role: 'http', host, port, ...r })));
  }
  // Through a ProxyJump the node's SSH port is not reachable directly: checking it would mislead.
  if (node.sshHost && !target.viaProxyJump) {
    const host = sshCheckHost ?? node.sshHost;
    const port = target.sshPort;
    checks.push(bannerCheck(host, port, ms, signal).then((r) => ({ role: 'ssh', host, port, ...r })));
  }
  return Promise.all(checks);
}

async function tailscaleEvidence(ip: string, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<TailscaleEvidence> {
  const r = await tailscalePeer(ip, env, signal);
  if (!r.available) return { available: false, message: r.message };
  if (!r.found) return { available: true, found: false, selfDown: /on this machine is/.test(r.message), message: r.message };
  return { available: true, found: true, online: r.peer.online, relay: r.peer.curAddr ? undefined : r.peer.relay, message: r.message };
}

function historyOf(state: RouterState, name: string): HistoryEvidence | undefined {
  const ns = state.nodes[name];
  if (!ns) return undefined;
  return {
    enabled: ns.enabled,
    ...(ns.disabledAt ? { disabledAt: ns.disabledAt } : {}),
    ...(ns.reason ? { reason: ns.reason } : {}),
    ...(ns.preferredTransport ? { preferredTransport: ns.preferredTransport } : {}),
    recent: ns.history.slice(-HISTORY_SHOWN),
  };
}

async function hostKeyEvidence(node: NodeSpec, o: TransportOptions, signal: AbortSignal): Promise<HostKeyEvidence> {
  const r = await inspectHostKey(node, o, signal);
  if (!r.ok) return { status: 'error', host: node.sshHost ?? '', port: node.sshPort, knownHostsFile: o.knownHostsFile, message: r.message };
  const { host, port, check, presented } = r.value;
  const base = { host, port, knownHostsFile: o.knownHostsFile, presentedFingerprint: presented.fingerprint, keyType: presented.keyType };
  switch (check.status) {
    case 'changed':
      return { ...base, status: 'changed', knownHostsFile: check.file, line: check.line, knownFingerprint: check.knownFingerprint };
    case 'revoked':
      return { ...base, status: 'revoked', knownHostsFile: check.file, line: check.line };
    case 'unreadable':
      return { ...base, status: 'unreadable', message: check.message };
    case 'match':
      return { ...base, status: 'match', line: check.line };
    case 'unknown':
      return { ...base, status: 'unknown' };
  }
}

async function sshDiskEvidence(node: NodeSpec, o: TransportOptions, signal: AbortSignal): Promise<DiskEvidence> {
  const r = await diskSpace(node, o, signal);
  if (!r.ok) return { source: 'ssh', error: r.message };
  return { source: 'ssh', freeBytes: r.value.freeBytes, totalBytes: r.value.totalBytes, path: r.value.path };
}
