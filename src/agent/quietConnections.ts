import type { Socket } from 'node:net';

/**
 * A reset, or a NAT that forgot the flow, reaches the client at once but this end only with its
 * next packet, and a receiver sends none: its request would hold the target (or a range of it)
 * until TCP gives up, hours later, and the client's retry would be refused meanwhile. So when
 * another request wants what a request holds, connections that read nothing for QUIET_MS while
 * it waits are taken to be dead and cut; what they received stays for resume.
 */
const QUIET_MS = 1000;

/** How long a request that cut others waits for them to keep their bytes and let go. */
export const LET_GO_MS = 5000;

/** Waits QUIET_MS; true when none of `sockets` read a byte meanwhile. */
export async function stayedQuiet(sockets: readonly Socket[]): Promise<boolean> {
  const before = sockets.map((s) => s.bytesRead);
  await new Promise((r) => setTimeout(r, QUIET_MS));
  return sockets.every((s, i) => s.bytesRead === before[i]);
}
