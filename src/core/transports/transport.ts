import type { ProbeRound } from './probeRound';
import type { NodeSpec, TransportKind } from '../hosts/nodeSpec';
import type { TransportFailureCode } from './failureCodes';
import type { ServiceKind } from './http/orchestrator/health';
import type { StreamsSetting } from './streamCount';

/** Outcome of one probe: never thrown, always returned. */
export interface ProbeResult {
  transport: TransportKind;
  success: boolean;
  /** What an operator can act on: "port 8770 refused", "host key changed: remove line 12 of ~/.ssh/known_hosts". */
  message: string;
  latencyMs: number;
  /** Stable reason code for the router and the doctor (e.g. `refused`, `timeout`, `no_answer`, `host_key_changed`). */
  code?: TransportFailureCode;
  /** What answered on an HTTP transport's port (p2p, http): shown by `test --json` and the tree. */
  service?: ServiceKind;
}

export interface PushJob {
  /** Local file to send. */
  localPath: string;
  /** Remote path as the user gave it: relative (under the node's base) or absolute (SSH only). */
  remotePath: string;
  /**
   * Ask the RingRift orchestrator first (GET /files/info) and send nothing when it already holds
   * this size and sha256 (a tree sync's per-file pushes). Our agent's HEAD always does this.
   */
  skipWhenSame?: boolean;
}

export interface PushProgress {
  (bytesDone: number, bytesTotal: number): void;
}

export interface PushSuccess {
  ok: true;
  transport: TransportKind;
  /** Bytes of the file now on the node. */
  bytes: number;
  /** Bytes actually sent this time (less than `bytes` after a resume or a skip). */
  bytesSent: number;
  sha256: string;
  durationMs: number;
  /** The remote file already had this content; nothing was sent. */
  skipped?: boolean;
  /** Where the file landed on the node, as the transport resolved it. */
  remotePath: string;
  /** TCP connections the push used at once (p2p/http, rsync, base64: several for a ranged upload). */
  streams?: number;
  /** Bytes sent per second over the whole push. */
  rateBytesPerS?: number;
}
export interface PushFailure {
  ok: false;
  transport: TransportKind;
  code: TransportFailureCode;
  message: string;
  durationMs: number;
  /**
   * Set when the transport is healthy but this file does not fit a limit of the server: checked
   * before any byte goes. The walk moves on without counting it against the transport.
   */
  limit?: PushLimit;
  /**
   * This file's resumable partial on the node at the start and at the end of this try, as read
   * from the node (never the bytes written to a socket). `after > before`: the try moved it
   * forward, so the walk resumes instead of counting a failure. Absent when the transport keeps
   * no partial (the orchestrator writes in place) or could not read it: no progress.
   */
  partial?: PartialProgress;
}
export type PushResult = PushSuccess | PushFailure;

/** `before`: the prefix of this file the node held when the try began; `after`: what it holds now. */
export interface PartialProgress {
  before: number;
  after: number;
}

/** PushSuccess.rateBytesPerS of `bytes` sent in `durationMs` (a push under 1 ms counts as 1 ms). */
export function bytesPerSecond(bytes: number, durationMs: number): number {
  return Math.round(bytes / Math.max(durationMs / 1000, 0.001));
}

/** Bytes a failed try durably moved onto the node (0 when it moved nothing or could not tell). */
export function progressOf(f: PushFailure): number {
  return f.partial ? Math.max(0, f.partial.after - f.partial.before) : 0;
}

/**
 * Limits of the real RingRift orchestrator's POST /files/upload (file_download.py): a file outside
 * `data/` and `models/`, with an extension off its allowlist, over 500 MiB, empty, or with `..` in
 * its path; and its answers 413 (too large) and 503 + X-Handler-Timeout (its 120 s handler bound).
 * A tree sync's per-file pushes over p2p/http add two: `delete_needs_ssh` (`--delete`: neither
 * agent removes files, the SSH rungs do) and `name_unsupported` (a `\` in a name, which the HTTP
 * path rules read as a separator: the file goes over SSH, where names land verbatim).
 */
export type PushLimit =
  | 'outside_prefixes' | 'extension_not_allowed' | 'file_too_large' | 'empty_file' | 'path_traversal' | 'handler_timeout'
  | 'delete_needs_ssh' | 'name_unsupported';

/** One transport of the escalation chain. Implementations never throw: failures are values. */
export interface Transport {
  readonly kind: TransportKind;
  /** `round` carries what the probes of one node share (the SSH rungs' one login). */
  probe(node: NodeSpec, signal: AbortSignal, round: ProbeRound): Promise<ProbeResult>;
  /**
   * `round`: the round whose probe of this transport just passed, when the push follows it at once:
   * the SSH rungs run on its login instead of logging in again (the round closes it).
   */
  push(node: NodeSpec, job: PushJob, progress: PushProgress, signal: AbortSignal, round?: ProbeRound): Promise<PushResult>;
  /**
   * The walk reached this transport: its push of `job` comes as soon as its probe succeeds. Called
   * before the walk starts that probe (unless a stagger started it already), so a transport may
   * open what its push needs and let the probe ride it, or start its push's work beside the probe.
   * What it returns, the walk calls once it ends (what no push took up stops); other things it
   * opens, whoever built the transport releases.
   */
  prepare?(node: NodeSpec, job: PushJob, signal: AbortSignal): (() => void) | void;
}

/** What an unknown host key prompt decides. `always` appends it to known_hosts. */
export type HostKeyDecision = 'once' | 'always' | 'reject';

export interface UnknownHostKeyInfo {
  node: string;
  host: string;
  port: number;
  keyType: string;
  /** `SHA256:...` as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  knownHostsFile: string;
}

/** Settings and callbacks every transport is built with. UI prompts come in through callbacks only. */
export interface TransportOptions {
  /** TCP connect / SSH handshake bound (the runbook's ConnectTimeout=5). */
  connectTimeoutMs: number;
  /** Bound on a whole probe, so a peer that accepts and never answers fails in bounded time. */
  probeTimeoutMs: number;
  /** Idle bound during a transfer: no progress for this long fails the push. */
  idleTimeoutMs: number;
  knownHostsFile: string;
  /** Decides on an unknown host key. Absent: reject (the CLI without --accept-new). */
  onUnknownHostKey?: (info: UnknownHostKeyInfo) => Promise<HostKeyDecision>;
  /** Asked for an encrypted key's passphrase. Absent or undefined answer: the key is skipped with a clear message. */
  onPassphrase?: (keyPath: string) => Promise<string | undefined>;
  /**
   * Bearer token for the node's agent or RingRift orchestrator (the cluster token): see
   * orchestrator/token.ts for where it comes from. Never logged.
   */
  agentToken?: string;
  /** base64 transport: bytes of the original file per remote `base64 -d >> PARTIAL` command. */
  base64ChunkBytes: number;
  /** Environment (SSH_AUTH_SOCK, HOME, PATH for rsync/ssh). */
  env: NodeJS.ProcessEnv;
  /**
   * Connections for one big file: to our agent (p2p/http, when it speaks `ranged_put`), or SSH
   * connections of the rsync and base64 rungs. A number (1: the single-stream push) or 'auto'
   * (streamCount.ts). Absent: DEFAULT_STREAMS.
   */
  streams?: StreamsSetting;
  /** ssh_config for the in-process SSH transports (base64, probes); default `~/.ssh/config` under env.HOME. */
  sshConfigFile?: string;
}

export const DEFAULT_TRANSPORT_OPTIONS: Omit<TransportOptions, 'knownHostsFile' | 'env'> = {
  connectTimeoutMs: 5000,
  probeTimeoutMs: 8000,
  idleTimeoutMs: 30000,
  // 1 GiB: a fresh push that fits in one chunk is written and hashed on the node in one pass (tee
  // into the partial and sha256: no re-read at the end, no exec per chunk); a bigger file takes an
  // exec per chunk and a full re-read at the end. Memory does not depend on it (two reused buffers,
  // base64Stream.ts) and neither does resume (the partial's size is the resume point). The tee costs
  // the node CPU (256 MiB on loopback: 4.4-5.3 s vs 3.5-4.3 s with 64 MiB chunks) but on a node's
  // own cores it hides the hash, which 64 MiB chunks leave serial at the end. bench/push-base64.ts.
  base64ChunkBytes: 1024 * 1024 * 1024,
};
