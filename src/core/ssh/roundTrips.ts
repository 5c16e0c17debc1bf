/**
 * The round trip each node's last SSH login measured (SshSession.rttMs), for this process: the
 * rsync rung decides whether a big file goes as ranges from the login its probe just made,
 * instead of logging in once more only to measure (rsync itself logs in through OpenSSH).
 * A later login overwrites it: a node's path changes rarely, and then the next login says so.
 * A direct login also tells it as soon as its TCP connect is done, half a second or more before
 * the login: a push's hashes start then (earlyHashes.ts).
 */
const lastRttMs = new Map<string, number>();
const listeners = new Map<string, Set<(ms: number) => void>>();

export function rememberRoundTrip(node: string, ms: number): void {
  lastRttMs.set(node, ms);
  for (const listener of listeners.get(node) ?? []) listener(ms);
}

export function knownRoundTrip(node: string): number | undefined {
  return lastRttMs.get(node);
}

/** Calls `listener` with each round trip measured to `node` from now on; returns the unsubscribe. */
export function onRoundTrip(node: string, listener: (ms: number) => void): () => void {
  const set = listeners.get(node) ?? new Set();
  listeners.set(node, set.add(listener));
  return () => {
    set.delete(listener);
    if (set.size === 0 && listeners.get(node) === set) listeners.delete(node);
  };
}
