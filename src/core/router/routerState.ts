import { RANGED_MIN_BYTES } from '../byteRanges';
import type { TransportKind } from '../hosts/nodeSpec';
import { isTransportFailureCode, type TransportFailureCode } from '../transports/failureCodes';
import type { ServiceKind } from '../transports/http/orchestrator/health';
import type { PushSuccess } from '../transports/transport';

/** What the router remembers about the cluster, persisted in the state dir (DESIGN.md "State and events"). */

export const STATE_VERSION = 1;
const HISTORY_LIMIT = 200;

type AttemptResult = 'ok' | 'failed' | 'skipped';

export interface HistoryEntry {
  /** ISO time. */
  time: string;
  transport: TransportKind;
  result: AttemptResult;
  error?: string;
  /** `sync` (a push attempt) or `probe` (a connectivity test). */
  kind: 'sync' | 'probe';
  durationMs?: number;
  /** A sync try: bytes it moved onto the node (a failed one: how far the node's partial advanced). */
  bytesMoved?: number;
  /** A sync try that resumed from the partial the try before it moved forward. */
  resumed?: boolean;
}

/**
 * A failure code as the state file holds it. The file is shared with other versions of
 * ringrift-sync (the CLI and the extension update separately), so it may hold codes this version
 * does not know: reading turns those into 'unclassified' (`normaliseCodes`) instead of widening the
 * type to string, so everything downstream still branches over a closed set. The message is kept.
 */
export type RecordedFailureCode = TransportFailureCode | 'unclassified';

/** Why a node was disabled; as with codes, a reason another version wrote and this one does not know reads as 'unclassified'. */
type DisableReason = 'all_transports_exhausted' | 'unclassified';
const DISABLE_REASONS: ReadonlySet<string> = new Set<DisableReason>(['all_transports_exhausted', 'unclassified']);

export interface TransportRecord {
  /** Consecutive failures since the last success (the failover threshold counts these). */
  consecutiveFailures: number;
  /** Epoch ms of recent failures, for the per-hour alert (pruned to the last 24 h). */
  failureTimes: number[];
  lastError?: string;
  /** Result of the last probe: lets a sync skip a transport that just timed out. */
  lastProbe?: { time: number; success: boolean; message: string; latencyMs: number; code?: RecordedFailureCode; service?: ServiceKind };
  /** The last push that moved a big file (`recordBigPush`): what routes large files (escalationPlan.ts). Absent in older state files. */
  lastBigPush?: BigPushRate;
}

/** A measured rate: bytes per second over the whole push, TCP connections it used at once, epoch ms. */
export interface BigPushRate {
  bytesPerS: number;
  streams: number;
  time: number;
}

export interface NodeState {
  enabled: boolean;
  disabledAt?: string;
  reason?: DisableReason;
  failedTransports: TransportKind[];
  preferredTransport?: TransportKind;
  lastWorkingTransport?: TransportKind;
  lastSuccessAt?: string;
  /** Earliest epoch ms at which a sync tries transports better than the last working one again. */
  upgradeRetryAt?: number;
  /** Current backoff for that retry, doubled each time the better transports still fail. */
  upgradeBackoffMs?: number;
  transports: Partial<Record<TransportKind, TransportRecord>>;
  history: HistoryEntry[];
}

export interface RouterState {
  version: number;
  nodes: Record<string, NodeState>;
  /** Epoch ms of syncs that had to move past their first transport (pruned to 48 h). */
  escalations: number[];
}

export function emptyState(): RouterState {
  return { version: STATE_VERSION, nodes: {}, escalations: [] };
}

export function emptyNodeState(): NodeState {
  return { enabled: true, failedTransports: [], transports: {}, history: [] };
}

export function nodeState(state: RouterState, name: string): NodeState {
  return (state.nodes[name] ??= emptyNodeState());
}

export function transportRecord(ns: NodeState, transport: TransportKind): TransportRecord {
  return (ns.transports[transport] ??= { consecutiveFailures: 0, failureTimes: [] });
}

const DAY_MS = 24 * 3600 * 1000;

export function pushHistory(ns: NodeState, entry: HistoryEntry): void {
  ns.history.push(entry);
  if (ns.history.length > HISTORY_LIMIT) ns.history.splice(0, ns.history.length - HISTORY_LIMIT);
}

export function recordFailure(ns: NodeState, transport: TransportKind, error: string, now: number): TransportRecord {
  const rec = transportRecord(ns, transport);
  rec.consecutiveFailures++;
  rec.failureTimes = [...rec.failureTimes.filter((t) => now - t < DAY_MS), now];
  rec.lastError = error;
  return rec;
}

export function recordSuccess(ns: NodeState, transport: TransportKind, now: number): void {
  const rec = transportRecord(ns, transport);
  rec.consecutiveFailures = 0;
  ns.lastWorkingTransport = transport;
  ns.lastSuccessAt = new Date(now).toISOString();
}

/**
 * Keeps the rate of a push that sent at least RANGED_MIN_BYTES: the size from which the rungs send
 * ranges, so the streams it used say whether it could. Fewer bytes sent (a skip, the tail of a
 * resume) measure mostly the round trip, not the link: not kept.
 */
export function recordBigPush(ns: NodeState, pushed: Pick<PushSuccess, 'transport' | 'bytesSent' | 'streams' | 'rateBytesPerS'>, now: number): void {
  if (pushed.rateBytesPerS === undefined || pushed.bytesSent < RANGED_MIN_BYTES) return;
  // A push that does not say how many streams it used sent one.
  transportRecord(ns, pushed.transport).lastBigPush = { bytesPerS: pushed.rateBytesPerS, streams: pushed.streams ?? 1, time: now };
}

function recordedCode(code: string): RecordedFailureCode {
  if (isTransportFailureCode(code)) return code;
  // Versions before the codes were unified said 'aborted' for a cancel.
  return code === 'aborted' ? 'cancelled' : 'unclassified';
}

/** Makes a parsed state file's codes `RecordedFailureCode`s and reasons `DisableReason`s; tolerates any shape `isRouterState` lets through. */
export function normaliseCodes(state: RouterState): RouterState {
  for (const ns of Object.values(state.nodes)) {
    if (ns && ns.reason !== undefined && !DISABLE_REASONS.has(String(ns.reason))) ns.reason = 'unclassified';
    for (const rec of Object.values(ns?.transports ?? {})) {
      const probe = rec?.lastProbe;
      if (probe?.code !== undefined) probe.code = recordedCode(String(probe.code));
    }
  }
  return state;
}

/** Loose structural check of a parsed state file; anything else is set aside as foreign. */
export function isRouterState(value: unknown): value is RouterState {
  if (!value || typeof value !== 'object') return false;
  const v = value as Partial<RouterState>;
  return v.version === STATE_VERSION && !!v.nodes && typeof v.nodes === 'object' && Array.isArray(v.escalations);
}
