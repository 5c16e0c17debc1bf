import type { AgentTransportKind, NodeSpec } from '../hosts/nodeSpec';
import { relayFlag } from '../hosts/relayMode';
import type { RouterState } from '../router/routerState';

/**
 * The fan-out's choices, pure: which node may serve a pull, which may be asked to pull, which
 * are seeded from this machine, and which verified holder serves which puller.
 */

/**
 * Pulls one source serves at once (`--fanout-per-source`). 2 by default: one TCP stream rarely
 * fills a source's uplink across a WAN (window over RTT) and a slow puller would otherwise leave it
 * idle, so a second stream keeps it busy; more slices the uplink thinner and new holders appear
 * later (holders grow per single-transfer time by 2x at K=1, 3^(1/2) = 1.73x at K=2, 4^(1/3) =
 * 1.59x at K=3), and a source that dies takes K pullers with it.
 */
export const DEFAULT_PER_SOURCE = 2;
/** Nodes seeded over the operator's uplink: one copy; a second seed doubles what the uplink carries. */
export const DEFAULT_SEEDS = 1;
/**
 * Candidates tried beyond the seeds when a seed does not take the file over p2p: then the agents
 * are likely down cluster-wide, and seeding one node at a time would be slower than the direct chain.
 */
export const SEED_SPARES = 2;
/** A source whose pulls failed this often in one fan-out (net of those it served since) serves no more. */
export const SOURCE_FAILURE_LIMIT = 2;
/** A puller that two live sources could not serve has the fault on its side: it goes direct. */
export const PULLER_STRIKES = 2;
/** Sources one node tries before it falls back to the direct chain from this machine. */
export const PULL_TRIES = 3;

/**
 * Whether a node can serve GET /sync/file to its peers: not in relay mode (nothing reaches a
 * nat_blocked node inbound) and reachable at its p2p address.
 */
export function canServe(node: NodeSpec): boolean {
  return !relayFlag(node) && node.p2pEnabled && node.address !== undefined;
}

/**
 * The agent endpoint that asks a node to pull: p2p, or http (its public `ssh_host` port) for a node
 * in relay mode or without p2p. Undefined: nothing can ask it; it gets the file directly.
 */
export function askKind(node: NodeSpec): AgentTransportKind | undefined {
  if (canServe(node)) return 'p2p';
  return node.httpPort !== undefined && node.sshHost !== undefined ? 'http' : undefined;
}

/** What the router's state says of a node, as the fan-out weighs it. */
export interface PeerHealth {
  enabled: boolean;
  /** Consecutive p2p failures the router recorded: a peer with failures serves fewer. */
  failures: number;
}

export function peerHealth(state: RouterState, name: string): PeerHealth {
  const ns = state.nodes[name];
  return { enabled: ns?.enabled ?? true, failures: ns?.transports.p2p?.consecutiveFailures ?? 0 };
}

/** Pulls a source serves at once: K, one fewer per failure, at least one. */
export function capacity(perSource: number, failures: number): number {
  return Math.max(1, perSource - failures);
}

/**
 * Seed candidates, best first: nodes that can serve, enabled, fewest p2p failures, then hosts-file
 * order. The caller seeds the first ones and moves down the list when a seed fails.
 */
export function seedCandidates(nodes: NodeSpec[], health: (name: string) => PeerHealth): NodeSpec[] {
  const ranked = nodes.filter((n) => canServe(n) && health(n.name).enabled).map((node, order) => ({ node, order, failures: health(node.name).failures }));
  ranked.sort((a, b) => a.failures - b.failures || a.order - b.order);
  return ranked.map((r) => r.node);
}

/** One holder of the verified file as the source choice sees it. */
export interface Holder {
  name: string;
  /** 1 for a seed; a node that pulled from a holder of wave w is of wave w + 1. */
  wave: number;
  /** Pulls it serves now. */
  active: number;
  /** The router's p2p failures before the fan-out: any make it serve one fewer, never none. */
  prior: number;
  /** Pulls from it that failed on its side during the fan-out. */
  failures: number;
  /** Pulls from it that were verified: each one offsets a failure (a flaky moment, not a bad source). */
  served: number;
  /** It stopped answering: it serves no more. */
  dead: boolean;
}

/** What counts against a holder now: one for a record in the router, plus its failures not offset by pulls it served. */
export function failuresOf(h: Holder): number {
  return (h.prior > 0 ? 1 : 0) + Math.max(0, h.failures - h.served);
}

/** Whether `h` can serve at all now (it may be busy). */
export function serves(h: Holder): boolean {
  return !h.dead && Math.max(0, h.failures - h.served) < SOURCE_FAILURE_LIMIT;
}

/** Whether `h` may take one more puller now. */
export function hasRoom(h: Holder, perSource: number): boolean {
  return serves(h) && h.active < capacity(perSource, failuresOf(h));
}

/**
 * The source for one puller: a live holder with room that the puller has not tried, the least
 * loaded (active over capacity) first, then the fewest failures, then the earliest wave.
 */
export function pickSource(holders: readonly Holder[], tried: ReadonlySet<string>, perSource: number): Holder | undefined {
  const load = (h: Holder) => h.active / capacity(perSource, failuresOf(h));
  const open = holders.filter((h) => hasRoom(h, perSource) && !tried.has(h.name));
  open.sort((a, b) => load(a) - load(b) || failuresOf(a) - failuresOf(b) || a.wave - b.wave);
  return open[0];
}

/**
 * Pullers in the order they get sources: those that will serve in turn first (each one done adds
 * a source), relay-mode ones last (they add none).
 */
export function pullOrder(pullers: readonly NodeSpec[]): NodeSpec[] {
  return [...pullers].sort((a, b) => Number(canServe(b)) - Number(canServe(a)));
}
