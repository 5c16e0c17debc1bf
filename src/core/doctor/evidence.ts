import type { TransportKind } from '../hosts/nodeSpec';
import type { HistoryEntry } from '../router/routerState';
import type { TransportFailureCode } from '../transports/failureCodes';
import type { TcpOutcome } from '../transports/netChecks';

/**
 * Everything `doctor` observed about one node, as plain JSON: `classify` turns it into causes
 * without any I/O, so a recorded evidence object replays to the same diagnosis (unit tests do).
 */

/** The node's fields that checks and fix commands are written with. */
export interface TargetFacts {
  node: string;
  /** Where p2p goes: `tailscale_ip`, else `ssh_host`. */
  address?: string;
  sshHost?: string;
  tailscaleIp?: string;
  user: string;
  sshPort: number;
  sshKey?: string;
  p2pPort: number;
  httpPort?: number;
  remoteBase?: string;
  natBlocked: boolean;
  /** `force_relay_mode`: relay mode like nat_blocked (absent in evidence recorded before it was kept). */
  forceRelayMode?: boolean;
  chain: TransportKind[];
  /** ssh_config sends SSH through ProxyJump hosts: a direct TCP check of the node proves nothing. */
  viaProxyJump: boolean;
}

/** Settings the fix commands need besides the node's fields. */
export interface FixContext {
  knownHostsFile: string;
  /**
   * Options every ssh / ssh-copy-id fix command carries: `-o UserKnownHostsFile=FILE` when
   * known_hosts is not ssh's default, so the command trusts the keys the doctor checked.
   */
  sshOptions: string[];
  /** Remote command that (re)starts the agent; default: `nohup ringrift-sync agent ...` in ringrift_path. */
  agentRestartCommand?: string;
  /** The base64 transport's current chunk size, to suggest a smaller one. */
  base64ChunkBytes: number;
  /** The local file of `--path`, for "push again" commands. */
  pushPath?: string;
  /** Flags to repeat on `ringrift-sync` fix commands (`--hosts FILE` when the user gave one). */
  cliArgs: string[];
}

export type PortRole = 'p2p' | 'http' | 'ssh';

/** `nc -zv HOST PORT` (and, for SSH, whether sshd says its banner). */
export interface PortEvidence {
  role: PortRole;
  host: string;
  port: number;
  outcome: TcpOutcome;
  /** SSH port only: the service spoke first (an sshd always does). */
  spoke?: boolean;
  banner?: string;
  latencyMs: number;
  message: string;
}

/** One transport's probe, as the transport reported it. */
export interface ProbeEvidence {
  transport: TransportKind;
  success: boolean;
  code?: TransportFailureCode;
  message: string;
  latencyMs: number;
}

export interface DiskEvidence {
  /** Read from the agent's `/status`, or from `df -Pk` over SSH. */
  source: 'agent' | 'ssh';
  freeBytes?: number;
  totalBytes?: number;
  /** Directory measured on the node. */
  path?: string;
  /** Why it could not be read (then no bytes). */
  error?: string;
}

export interface HostKeyEvidence {
  status: 'match' | 'unknown' | 'changed' | 'revoked' | 'unreadable' | 'error';
  host: string;
  port: number;
  knownHostsFile: string;
  /** known_hosts line holding the old (changed) or revoked key. */
  line?: number;
  knownFingerprint?: string;
  presentedFingerprint?: string;
  keyType?: string;
  message?: string;
}

export interface TailscaleEvidence {
  available: boolean;
  /** Tailscale on this machine is not running (so no tailnet address is reachable from here). */
  selfDown?: boolean;
  found?: boolean;
  online?: boolean;
  relay?: string;
  message: string;
}

export interface HistoryEvidence {
  enabled: boolean;
  disabledAt?: string;
  reason?: string;
  preferredTransport?: string;
  /** Newest last, at most a few dozen. */
  recent: HistoryEntry[];
}

/**
 * Asked over SSH when the agent's port refuses or times out from here: does anything listen on it
 * on the node itself? Tells a firewall (listening) from a stopped agent (not listening).
 */
export interface AgentListenEvidence {
  port: number;
  /** What answered: `ss -ltn`, `netstat -an`, bash's /dev/tcp or curl to 127.0.0.1; `none`: no tool, or SSH failed. */
  tool: 'ss' | 'netstat' | 'bash' | 'curl' | 'none';
  /**
   * `listening`: on every address, or on one we connect to (bash/curl: on 127.0.0.1, so possibly
   * loopback only); `loopback_only`; `other_address`: only on addresses we do not use.
   */
  state: 'listening' | 'loopback_only' | 'other_address' | 'not_listening' | 'unknown';
  /** Local addresses seen listening on the port (ss / netstat). */
  addresses: string[];
  detail: string;
  /**
   * The node's end of our SSH connection, from its SSH_CONNECTION: where a port forward (a
   * provider's SSH proxy, a NAT router) really landed. Absent: the node's shell did not say.
   */
  sshLanded?: { host: string; port: number };
}

/** The agent's GET /health padded to several full-size segments (pathMtuCheck.ts). */
export interface PathMtuEvidence {
  host: string;
  port: number;
  paddedBytes: number;
  /** `no_answer`: the padded request got nothing back in time, while the small one answered. */
  outcome: 'answered' | 'no_answer' | 'error';
  ms: number;
  detail: string;
}

/** A timed push of a small file over the first working transport (`doctor --measure`). */
export interface ThroughputEvidence {
  transport: TransportKind;
  /** Bytes counted and the time they took, from the first progress report to the end (setup left out). */
  bytes: number;
  durationMs: number;
  /** TCP connect time to that transport's port just before: the round trip. */
  rttMs?: number;
  /** Why nothing was measured (then bytes is 0). */
  error?: string;
  /** The test file's directory could not be removed from the node: where it is, and why. */
  leftOver?: string;
}

export interface NodeEvidence {
  target: TargetFacts;
  context: FixContext;
  /** ISO time the checks started, and how long they took together. */
  startedAt: string;
  durationMs: number;
  probes: ProbeEvidence[];
  ports: PortEvidence[];
  tailscale?: TailscaleEvidence;
  disk?: DiskEvidence;
  /** Size of the file to push (`--path`), when given. */
  neededBytes?: number;
  /** Free space below which the node counts as full when no size is given. */
  minFreeBytes: number;
  hostKey?: HostKeyEvidence;
  history?: HistoryEvidence;
  agentListen?: AgentListenEvidence;
  pathMtu?: PathMtuEvidence;
  throughput?: ThroughputEvidence;
}
