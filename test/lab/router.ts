import {
  CLIENT_ADDR,
  CLIENT_IF,
  LAB_NET,
  ROUTER_CLIENT_ADDR,
  ROUTER_NS,
  createNamespace,
  nodeAddress,
  routerAddress,
} from './namespaces';
import { ipIn, nft, run, sysctl } from './sh';

/**
 * The router namespace every node sits behind. The client (root namespace) reaches it over
 * `rrlab-c` <-> `c0`; node i hangs off `r-i` <-> the node's `eth0`. Nothing here has a default
 * route: the lab's packets have nowhere to go but the lab.
 *
 * nftables table `inet rrlab` holds the faults: per node a chain `n<i>` (forward, jumped to for
 * packets from or to the node), `n<i>out` (the router's own output, for ICMP), `n<i>nat`
 * (masquerade) and `n<i>fwd` (the public port forwarded to it); set `n<i>flows` counts each TCP
 * connection's bytes for the resets profiles (shaping.ts).
 * Packets coming back out of a delay line (`rt-*`) have been filtered on their first pass; they are
 * neither tracked nor filtered again, so per-flow byte counts and random loss apply once.
 */

const BASE_RULESET = `
table inet rrlab {
  chain raw { type filter hook prerouting priority raw; iifname "rt-*" notrack; }
  chain forward { type filter hook forward priority filter; policy accept; iifname "rt-*" accept; }
  chain output { type filter hook output priority filter; policy accept; }
  chain prerouting { type nat hook prerouting priority dstnat; policy accept; }
  chain postrouting { type nat hook postrouting priority srcnat; policy accept; }
}
`;

export function routerLink(index: number): string {
  return `r-${index}`;
}

export function createRouter(): void {
  createNamespace(ROUTER_NS);
  // Set before any interface exists: new interfaces copy `default`, and rp_filter uses max(all, iface).
  // rp_filter would drop what the delay line writes back (it arrives on the TUN, not the route's interface).
  sysctl(ROUTER_NS, 'net.ipv4.conf.all.rp_filter', 0);
  sysctl(ROUTER_NS, 'net.ipv4.conf.default.rp_filter', 0);
  sysctl(ROUTER_NS, 'net.ipv4.ip_forward', 1);
  run('ip', ['link', 'add', CLIENT_IF, 'type', 'veth', 'peer', 'name', 'c0', 'netns', ROUTER_NS]);
  run('ip', ['addr', 'add', `${CLIENT_ADDR}/30`, 'dev', CLIENT_IF]);
  // One segment per packet from senders on either end (see attachNode).
  run('ip', ['link', 'set', CLIENT_IF, 'gso_max_segs', '1', 'up']);
  ipIn(ROUTER_NS, ['addr', 'add', `${ROUTER_CLIENT_ADDR}/30`, 'dev', 'c0']);
  ipIn(ROUTER_NS, ['link', 'set', 'c0', 'up']);
  // Metric 100 wins over the guard route (metric 4000) while rrlab-c exists, and vanishes with it.
  run('ip', ['route', 'replace', LAB_NET, 'via', ROUTER_CLIENT_ADDR, 'dev', CLIENT_IF, 'metric', '100']);
  nft(ROUTER_NS, BASE_RULESET);
}

/** Wires node i's namespace to the router and gives it its (empty) fault chains. */
export function attachNode(index: number, nodeNs: string): void {
  const link = routerLink(index);
  run('ip', ['link', 'add', link, 'netns', ROUTER_NS, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', nodeNs]);
  ipIn(ROUTER_NS, ['addr', 'add', `${routerAddress(index)}/24`, 'dev', link]);
  ipIn(ROUTER_NS, ['link', 'set', link, 'up']);
  ipIn(nodeNs, ['addr', 'add', `${nodeAddress(index)}/24`, 'dev', 'eth0']);
  // A veth hands the router a sender's 64 KB GSO packets whole; a random drop would then take
  // dozens of segments at once, a loss pattern no WAN has. One segment per packet, as on a wire.
  ipIn(nodeNs, ['link', 'set', 'eth0', 'gso_max_segs', '1', 'up']);
  // Only the lab's own range, never a default route.
  ipIn(nodeNs, ['route', 'add', LAB_NET, 'via', routerAddress(index)]);
  const addr = nodeAddress(index);
  nft(
    ROUTER_NS,
    `
add chain inet rrlab n${index}
add chain inet rrlab n${index}out
add chain inet rrlab n${index}nat
add chain inet rrlab n${index}fwd
add set inet rrlab n${index}flows { type ipv4_addr . inet_service . ipv4_addr . inet_service; flags dynamic, timeout; timeout 10m; size 65535; }
add rule inet rrlab forward ip saddr ${addr} jump n${index}
add rule inet rrlab forward ip daddr ${addr} jump n${index}
add rule inet rrlab output jump n${index}out
add rule inet rrlab postrouting jump n${index}nat
add rule inet rrlab prerouting jump n${index}fwd
`,
  );
}
