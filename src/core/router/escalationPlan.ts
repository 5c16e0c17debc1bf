import type { NodeSpec, TransportKind } from '../hosts/nodeSpec';
import { relaySkip, syncOrder } from '../hosts/relayMode';
import type { NodeState } from './routerState';
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
 *   5. a transport whose probe failed moments ago is skipped with that error (no timeout paid twice).
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
}

export function planEscalation(
  node: NodeSpec,
  ns: NodeState | undefined,
  settings: RouterSettings,
  now: number,
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
  return { steps, upgradeAttempt };
}

/** Next wait before retrying better transports: doubles from the minimum up to the maximum. */
export function nextUpgradeBackoff(current: number | undefined, settings: RouterSettings): number {
  if (!current) return settings.upgradeBackoffMinMs;
  return Math.min(current * 2, settings.upgradeBackoffMaxMs);
}
