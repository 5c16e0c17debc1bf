/** The normalised view of one host of `distributed_hosts.yaml`, as every other layer sees it. */

export const TRANSPORT_KINDS = ['p2p', 'http', 'rsync', 'base64'] as const;
export type TransportKind = (typeof TRANSPORT_KINDS)[number];
/** The transports that push to the node's agent over HTTP, and those that go over SSH. */
export const AGENT_TRANSPORTS = ['p2p', 'http'] as const satisfies readonly TransportKind[];
export const SSH_TRANSPORTS = ['rsync', 'base64'] as const satisfies readonly TransportKind[];
export type AgentTransportKind = (typeof AGENT_TRANSPORTS)[number];
export type SshTransportKind = (typeof SSH_TRANSPORTS)[number];

export function isAgentTransport(t: TransportKind): t is AgentTransportKind {
  return (AGENT_TRANSPORTS as readonly TransportKind[]).includes(t);
}

export function isSshTransport(t: TransportKind): t is SshTransportKind {
  return (SSH_TRANSPORTS as readonly TransportKind[]).includes(t);
}

/**
 * Values of a host's `status`; only `ready` is synced, the rest are shown. RingRift's inactive ones
 * (terminated, offline, setup, retired, archived: ai-service/app/config/cluster_config.py:798) are among them.
 */
export const NODE_STATUSES = ['ready', 'disabled', 'maintenance', 'offline', 'terminated', 'retired', 'setup', 'proxy_only', 'archived'] as const;

/** 1-based line and column in a file, as editors and `file:line:column` show them. */
export interface SourcePosition {
  line: number;
  column: number;
}
export interface SourceRange {
  start: SourcePosition;
  end: SourcePosition;
}

export interface NodeSpec {
  name: string;
  /** Preferred address: `tailscale_ip` when present, else the host part of `ssh_host`. Used for p2p. */
  address: string | undefined;
  /** Host part of `ssh_host` (the public/alternate address): SSH, rsync, base64 and the `http` transport. */
  sshHost: string | undefined;
  tailscaleIp: string | undefined;
  /** `ssh_user`, else the user of `user@host` in `ssh_host`, else `ubuntu`. */
  user: string;
  sshPort: number;
  /** `ssh_key` with `~` expanded; undefined means ssh-agent / `~/.ssh/config` / default keys. */
  sshKey: string | undefined;
  p2pEnabled: boolean;
  p2pPort: number;
  /** `p2p_public_port`: the `http` transport's port on `sshHost`. Undefined: no http transport. */
  httpPort: number | undefined;
  /** Raw `status` text; `statusKnown` says whether it is one of NODE_STATUSES. */
  status: string;
  /** Whether `status` is one of NODE_STATUSES (an unknown word is warned about and never synced). */
  statusKnown?: boolean;
  /** Synced: `status` is `ready` (or absent) and the host has no error in the file. */
  ready: boolean;
  /** `nat_blocked`: RingRift relay mode (see relayMode.ts). */
  natBlocked: boolean;
  /** `force_relay_mode`: relay mode too, whatever the NAT. Absent: false. */
  forceRelayMode?: boolean;
  /** `skip_sync_receive`: never a sync target (still tested). Absent: false. */
  skipSyncReceive?: boolean;
  /** `is_ephemeral`: a rented/spot instance that may vanish; informational. Absent: false. */
  isEphemeral?: boolean;
  /** `data_server_port`: the node's RingRift data server. Absent: DEFAULT_DATA_SERVER_PORT. */
  dataServerPort?: number;
  /**
   * `ringrift_path`: base for relative remote paths (may start with `~`, resolved on the node).
   * Absent: DEFAULT_RINGRIFT_PATH; written as `null`: none (RingRift's "no codebase" proxy nodes).
   */
  remoteBase: string | undefined;
  /** Mbit/s from `host_bandwidth_overrides` (first matching glob) or `auto_sync.bandwidth_limit_mbps`. */
  bandwidthLimitMbps: number | undefined;
  /** The resolved escalation chain, in order. */
  transports: TransportKind[];
  /** Where the chain came from: the host's own `transports:` block or the default chain. */
  chainSource: 'host' | 'default';
  /** Every field of the host as written, known and unknown alike. */
  fields: Record<string, unknown>;
  /** The host's key in the file. */
  range: SourceRange;
}

export interface ClusterSettings {
  /** `auto_sync.max_concurrent_syncs`. */
  maxConcurrentSyncs: number | undefined;
  /** `auto_sync.bandwidth_limit_mbps`. */
  bandwidthLimitMbps: number | undefined;
  /** `auto_sync.host_bandwidth_overrides`: glob -> Mbit/s, in file order. */
  hostBandwidthOverrides: Array<{ glob: string; mbps: number }>;
}
