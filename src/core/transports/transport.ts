import type { NodeSpec, TransportKind } from '../hosts/nodeSpec';

/** Outcome of one probe: never thrown, always returned. */
export interface ProbeResult {
  transport: TransportKind | string;
  success: boolean;
  /** What an operator can act on: "port 8770 refused", "host key changed: remove line 12 of ~/.ssh/known_hosts". */
  message: string;
  latencyMs: number;
  /** Stable reason code for the router and the doctor (e.g. `refused`, `timeout`, `no_answer`, `host_key_changed`). */
  code?: string;
}

export interface PushJob {
  /** Local file to send. */
  localPath: string;
  /** Remote path as the user gave it: relative (under the node's base) or absolute (SSH only). */
  remotePath: string;
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
}
export interface PushFailure {
  ok: false;
  transport: TransportKind;
  code: string;
  message: string;
  durationMs: number;
}
export type PushResult = PushSuccess | PushFailure;

/** One transport of the escalation chain. Implementations never throw: failures are values. */
export interface Transport {
  readonly kind: TransportKind;
  probe(node: NodeSpec, signal: AbortSignal): Promise<ProbeResult>;
  push(node: NodeSpec, job: PushJob, progress: PushProgress, signal: AbortSignal): Promise<PushResult>;
}
