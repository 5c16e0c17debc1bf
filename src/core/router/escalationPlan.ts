import { RANGED_MIN_BYTES } from '../byteRanges';
import { isAgentTransport, isSshTransport, type NodeSpec, type SshTransportKind, type TransportKind } from '../hosts/nodeSpec';
import { relaySkip, syncOrder } from '../hosts/relayMode';
import { formatBitRate } from '../units';
import type { BigPushRate, NodeState } from './routerState';
import type { RouterSettings } from './routerSettings';

/**
 * Which transports a sync tries, in which order, and which it skips and why. Pure: the router
 * walks this plan; tests read it. In runbook order:
 *   1. a forced transport is the only one;
 *   2. the node's chain (its `transports:` block or the default p2p -> http -> rsync -> base64);
 *      `nat_blocked` / `force_relay_mode` nodes skip p2p and rsync, then try base64, then http
 *      (RingRift's relay mode: see hosts/relayMode.ts);
 *   3. the preferred transport (set by `prefer`) goes first;
 *   4. a node that has been working on a lower transport starts there, except when its
 *      upgrade retry is due: then the better transports are tried again first;
 *   5. a transport whose probe failed moments ago is skipped with that error (no timeout paid twice);
 *   6. a large file (>= RANGED_MIN_BYTES) whose first open step is p2p or http, measured in one
 *      stream (the real orchestrator's upload), goes first to an open SSH rung measured much
 *      faster over several streams (`largeFileRoute`); the rest keep their order after it, so a
 *      failing SSH rung escalates on through p2p etc. It works on what 1-5 left: a forced
 *      transport is alone, skipped rungs stay skipped, a node held on a lower rung by the upgrade
 *      backoff starts there, and an operator's `prefer` turns it off (they chose the first rung).
 */
interface PlannedStep {
  transport: TransportKind;
  /** Set when the step is not tried; becomes a `skipped` attempt with this text. */
  skip?: string;
}

export interface EscalationPlan {
  steps: PlannedStep[];
  /** This sync retries transports better than the last working one. */
  upgradeAttempt: boolean;
  /** Set when a large file goes to an SSH rung ahead of the runbook order: which, and why. */
  largeFileRoute?: LargeFileRoute;
}

export interface LargeFileRoute {
  first: SshTransportKind;
  /** `large file: rsync measured 41.2 Mbit/s over 16 streams (2026-12-05) vs p2p 4.9 Mbit/s in one stream (2026-12-03)`. */
  reason: string;
}

/**
 * How much faster an SSH rung's ranged rate must have been than the one-stream rate: one push's
 * rate varies with load by tens of percent, so twice is well past noise; the case this is for
 * (the orchestrator's one stream on a long lossy link) differs ~8x (5 vs 40 Mbit/s, BENCHMARKS.md).
 */
const PREFER_RATIO = 2;
/**
 * Older measurements do not route. A path's loss and round trip (what holds one stream back)
 * change with its route, not by the hour; and while big files go over SSH, p2p's rate is measured
 * again only once its measurement expires: an orchestrator that learned ranges is noticed within
 * a week, for one slow push a week.
 */
const RATE_MAX_AGE_MS = 7 * 24 * 3600_000;

export function planEscalation(
  node: NodeSpec,
  ns: NodeState | undefined,
  settings: RouterSettings,
  now: number,
  sizeBytes: number,
  forceTransport?: TransportKind,
): EscalationPlan {
  if (forceTransport) return { steps: [{ transport: forceTransport }], upgradeAttempt: false };

  let order = syncOrder(node);
  const preferred = ns?.preferredTransport;
  if (preferred && order.includes(preferred)) order = [preferred, ...order.filter((t) => t !== preferred)];

  const steps: PlannedStep[] = order.map((transport) => {
    const skip = relaySkip(node, transport);
    return skip ? { transport, skip } : { transport };
  });

  let upgradeAttempt = false;
  const working = ns?.lastWorkingTransport;
  const workingIndex = working ? steps.findIndex((s) => s.transport === working) : -1;
  const firstOpen = steps.findIndex((s) => !s.skip);
  if (workingIndex > firstOpen && firstOpen >= 0) {
    if (ns?.upgradeRetryAt === undefined || now >= ns.upgradeRetryAt) {
      upgradeAttempt = true;
    } else {
      const when = new Date(ns.upgradeRetryAt).toISOString();
      for (const s of steps.slice(0, workingIndex)) {
        s.skip ??= `node works on ${working}; better transports are retried after ${when}`;
      }
    }
  }

  for (const s of steps) {
    const probe = ns?.transports[s.transport]?.lastProbe;
    if (!s.skip && probe && !probe.success && now - probe.time < settings.recentFailureSkipMs) {
      s.skip = `probe failed ${Math.round((now - probe.time) / 1000)} s ago: ${probe.message}`;
    }
  }
  const route = sizeBytes >= RANGED_MIN_BYTES ? largeFileRoute(ns, steps.filter((s) => !s.skip).map((s) => s.transport), now) : undefined;
  if (!route) return { steps, upgradeAttempt };
  // The better transports are not tried first this time: the upgrade retry stays due.
  const moved = steps.find((s) => s.transport === route.first)!;
  return { steps: [moved, ...steps.filter((s) => s !== moved)], upgradeAttempt: false, largeFileRoute: route };
}

/**
 * The SSH rung a large file goes to first, from the node's measured rates (rule 6 above), given
 * the transports a sync would try, in order. Undefined when the runbook order stands.
 */
export function largeFileRoute(ns: NodeState | undefined, open: readonly TransportKind[], now: number): LargeFileRoute | undefined {
  const lead = open[0];
  if (!ns || ns.preferredTransport || lead === undefined || !isAgentTransport(lead)) return undefined;
  const slow = recentRate(ns, lead, now);
  if (!slow || slow.streams !== 1) return undefined;
  for (const t of open) {
    if (!isSshTransport(t)) continue;
    const fast = recentRate(ns, t, now);
    if (fast && fast.streams > 1 && fast.bytesPerS >= PREFER_RATIO * slow.bytesPerS) {
      const day = (r: BigPushRate) => new Date(r.time).toISOString().slice(0, 10);
      const reason = `large file: ${t} measured ${formatBitRate(fast.bytesPerS)} over ${fast.streams} streams (${day(fast)}) vs ${lead} ${formatBitRate(slow.bytesPerS)} in one stream (${day(slow)})`;
      return { first: t, reason };
    }
  }
  return undefined;
}

/** A transport's last big-push rate when recent; the state file is shared with other versions, so its shape is checked. */
function recentRate(ns: NodeState, t: TransportKind, now: number): BigPushRate | undefined {
  const r = ns.transports[t]?.lastBigPush;
  const valid = r && [r.bytesPerS, r.streams, r.time].every(Number.isFinite) && r.bytesPerS > 0;
  return valid && now - r.time <= RATE_MAX_AGE_MS ? r : undefined;
}

/** Next wait before retrying better transports: doubles from the minimum up to the maximum. */
export function nextUpgradeBackoff(current: number | undefined, settings: RouterSettings): number {
  if (!current) return settings.upgradeBackoffMinMs;
  return Math.min(current * 2, settings.upgradeBackoffMaxMs);
}
