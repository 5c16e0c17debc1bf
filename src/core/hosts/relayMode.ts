import type { NodeSpec, TransportKind } from './nodeSpec';

/**
 * RingRift's relay mode. A `nat_blocked` or `force_relay_mode` node accepts no direct connection,
 * so RingRift skips the direct transports and tries base64, then http
 * (synaptent/RingRift@2aa9f89 ai-service/app/coordination/cluster_transport.py:484-494; both flags alike,
 * also scripts/p2p_orchestrator.py:3743). RingRift's direct transports are rsync to the Tailscale
 * IP and rsync to ssh_host (cluster_transport.py:244, :477-479): our rsync. Our p2p dials the node's
 * own address at p2p_port, which such a node "can't receive" (p2p_orchestrator.py:3722): direct too.
 */
export type RelayFlag = 'nat_blocked' | 'force_relay_mode';

const DIRECT_TRANSPORTS: readonly TransportKind[] = ['p2p', 'rsync'];
/** RingRift's order for relay-mode nodes; a host's own `transports:` priorities do not change it. */
const RELAY_ORDER: readonly TransportKind[] = ['base64', 'http'];

/** What relay mode does to syncs, for the fields' hover text. */
export const RELAY_EFFECT = `syncs skip the direct transports (${DIRECT_TRANSPORTS.join(', ')}) and try ${RELAY_ORDER.join(', then ')} (RingRift relay mode)`;

type RelayFacts = Pick<NodeSpec, 'natBlocked' | 'forceRelayMode' | 'transports'>;

/** The field that puts the node in relay mode, or undefined. */
export function relayFlag(node: RelayFacts): RelayFlag | undefined {
  if (node.natBlocked) return 'nat_blocked';
  return node.forceRelayMode ? 'force_relay_mode' : undefined;
}

/** The chain in sync order: unchanged, or in relay mode the direct steps (skipped) first, then base64, then http. */
export function syncOrder(node: RelayFacts): TransportKind[] {
  if (!relayFlag(node)) return [...node.transports];
  const direct = node.transports.filter((t) => DIRECT_TRANSPORTS.includes(t));
  return [...direct, ...RELAY_ORDER.filter((t) => node.transports.includes(t))];
}

/** Why syncs skip `kind` on this node, naming the field; undefined when they do not. */
export function relaySkip(node: RelayFacts, kind: TransportKind): string | undefined {
  const flag = relayFlag(node);
  if (!flag || !DIRECT_TRANSPORTS.includes(kind)) return undefined;
  return `${flag}: the node accepts no direct connection, so ${kind} is skipped; relay mode tries ${RELAY_ORDER.join(', then ')}`;
}
