import type { TransportKind } from '../hosts/nodeSpec';
import type { SyncResult } from '../router/syncRouter';
import type { FanoutPullCode, FanoutRoute } from './codes';

/** Where the file of every node came from, for `sync --json` and the table. */
export const LOCAL_SOURCE = 'local';

/** One pull a node was asked to make. */
export interface PullTry {
  source: string;
  /** The wave the copy would have had. */
  wave: number;
  result: 'ok' | 'failed';
  code?: FanoutPullCode;
  error?: string;
  durationMs: number;
}

/** A sync result of a fan-out: the router's, plus where the node's copy came from. */
export interface FanoutResult extends SyncResult {
  /** `local` (pushed from this machine) or the node it pulled from. */
  source: string;
  /** 1 for a copy from this machine; a copy pulled from a node of wave w is of wave w + 1. */
  wave: number;
  route: FanoutRoute;
  /** The pulls it was asked to make, in order; absent when none. */
  pulls?: PullTry[];
}

/** What a fan-out reports as it goes: the CLI prints the waves from these. */
export type FanoutEvent =
  | { type: 'seed'; node: string }
  | { type: 'pull'; node: string; source: string; wave: number }
  | { type: 'verified'; node: string; source: string; wave: number; durationMs: number }
  | { type: 'resourced'; node: string; source: string; error: string }
  | { type: 'direct'; node: string; reason: string }
  | { type: 'bytes'; node: string; transport: TransportKind; done: number; total: number };

/** A node's copy from this machine (a seed, or the direct chain), as a fan-out result. */
export function fromLocal(r: SyncResult, route: 'seed' | 'direct', pulls: PullTry[], reason?: string): FanoutResult {
  const message = reason ? `${r.message} (direct from this machine: ${reason})` : r.message;
  return { ...r, message, source: LOCAL_SOURCE, wave: 1, route, ...(pulls.length ? { pulls } : {}) };
}

/** A verified pull, as a fan-out result: nothing crossed this machine's uplink for it. */
export function fromPull(
  node: string,
  got: { source: string; wave: number; transport: TransportKind; size: number; sha256: string; remotePath: string },
  pulls: PullTry[],
): FanoutResult {
  return {
    node,
    success: true,
    transportUsed: got.transport,
    bytes: got.size,
    sha256: got.sha256,
    disabled: false,
    attempts: [],
    message: `pulled from ${got.source} (wave ${got.wave}) by ${got.transport} POST /sync/pull; sha256 verified on ${node}`,
    remotePath: got.remotePath,
    bytesSent: 0,
    source: got.source,
    wave: got.wave,
    route: 'pull',
    pulls,
  };
}

/** A node the fan-out was cancelled before it reached, or while it pulled (a pull lands whole or not at all). */
export function notStarted(node: string, pulls: PullTry[]): FanoutResult {
  const message = pulls.length ? 'cancelled while it pulled: a pull lands in a temporary, so nothing half-written is at the path' : 'cancelled before it started';
  return {
    node, success: false, transportUsed: null, bytes: 0, sha256: null, disabled: false, attempts: [], message,
    source: LOCAL_SOURCE, wave: 1, route: 'direct', ...(pulls.length ? { pulls } : {}),
  };
}
