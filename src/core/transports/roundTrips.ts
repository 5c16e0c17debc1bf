import type { AgentTransportKind } from '../hosts/nodeSpec';

/**
 * The round trip to each node its last connection measured, for this process, by path: the SSH
 * login's (to ssh_host, SshSession.rttMs), or an agent rung's (p2p, http: each its own address and
 * port, which may take another route). The rsync rung decides whether a big file goes as ranges
 * from the login its probe just made, instead of logging in once more only to measure (rsync
 * itself logs in through OpenSSH). A later connection overwrites it: a node's path changes rarely,
 * and then the next connection says so. A direct SSH login tells it as soon as its TCP connect is
 * done, half a second or more before the login ends, and an agent call at its connect: a push's
 * hashes start then (earlyHashes.ts).
 */
export type RoundTripPath = 'ssh' | AgentTransportKind;

const lastRttMs = new Map<string, number>();
const listeners = new Map<string, Set<(ms: number) => void>>();
const keyOf = (node: string, path: RoundTripPath) => `${path} ${node}`;

export function rememberRoundTrip(node: string, ms: number, path: RoundTripPath = 'ssh'): void {
  const key = keyOf(node, path);
  lastRttMs.set(key, ms);
  for (const listener of listeners.get(key) ?? []) listener(ms);
}

export function knownRoundTrip(node: string, path: RoundTripPath = 'ssh'): number | undefined {
  return lastRttMs.get(keyOf(node, path));
}

/** Calls `listener` with each round trip measured to `node` over `path` from now on; returns the unsubscribe. */
export function onRoundTrip(node: string, path: RoundTripPath, listener: (ms: number) => void): () => void {
  const key = keyOf(node, path);
  const set = listeners.get(key) ?? new Set();
  listeners.set(key, set.add(listener));
  return () => {
    set.delete(listener);
    if (set.size === 0 && listeners.get(key) === set) listeners.delete(key);
  };
}
