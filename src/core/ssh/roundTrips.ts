/**
 * The round trip each node's last SSH login measured (SshSession.rttMs), for this process: the
 * rsync rung decides whether a big file goes as ranges from the login its probe just made,
 * instead of logging in once more only to measure (rsync itself logs in through OpenSSH).
 * A later login overwrites it: a node's path changes rarely, and then the next login says so.
 */
const lastRttMs = new Map<string, number>();

export function rememberRoundTrip(node: string, ms: number): void {
  lastRttMs.set(node, ms);
}

export function knownRoundTrip(node: string): number | undefined {
  return lastRttMs.get(node);
}
