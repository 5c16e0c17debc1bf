import type { Socket } from 'node:net';

/**
 * Uploads in progress, by target path. One transfer per target at a time: a second one gets 409
 * instead of interleaving bytes into the same partial. A transfer is named by its kind and file:
 * the ranges of one ranged transfer (same size and sha256) may hold the target together, any
 * other transfer is refused while they do. The disk check counts the bytes the others still have
 * to write, so two concurrent uploads cannot both pass a check only one fits.
 *
 * A holder whose connection reads nothing while a new upload of the same target waits
 * TAKEOVER_QUIET_MS is taken to be dead and is cut: a reset or a NAT that forgot the flow reaches
 * the client at once, but this end only with its next packet, and a receiver sends none. Without
 * this, the client's retry would be refused as busy until TCP gave up on the old connection.
 */
interface ActiveUpload {
  /** A name the requests that may share the target agree on; a symbol for a request alone. */
  transfer: string | symbol;
  holders: number;
  /** The connections of the holders that came over HTTP (how a quiet one is told and cut). */
  sockets: Set<Socket>;
  reservedBytes: number;
}

/** How long a holder must read nothing, while another upload waits, to be cut. */
const TAKEOVER_QUIET_MS = 1000;
/** How long the waiting upload gives a cut holder to keep its bytes and let go. */
const RELEASE_WAIT_MS = 5000;

export class UploadRegistry {
  private readonly active = new Map<string, ActiveUpload>();
  private readonly freed = new Map<string, Array<() => void>>();

  /**
   * Claims `target`; false when another transfer holds it. `sharedBy` names a transfer whose
   * requests may hold the target together (the ranges of one file); without it the claim is exclusive.
   */
  claim(target: string, sharedBy?: string, socket?: Socket): boolean {
    const transfer = sharedBy ?? Symbol('exclusive');
    const held = this.active.get(target);
    if (held && held.transfer !== transfer) return false;
    const entry = held ?? { transfer, holders: 0, sockets: new Set<Socket>(), reservedBytes: 0 };
    entry.holders += 1;
    if (socket) entry.sockets.add(socket);
    this.active.set(target, entry);
    return true;
  }

  /** `claim`, and when another transfer holds `target` on connections gone quiet, cuts them and claims after. */
  async claimOrTakeOver(target: string, socket: Socket, sharedBy?: string): Promise<boolean> {
    if (this.claim(target, sharedBy, socket)) return true;
    return (await this.cutQuietHolders(target)) && this.claim(target, sharedBy, socket);
  }

  /** The bytes `target`'s transfer still has to write (shared by all its holders). */
  reserve(target: string, bytes: number): void {
    const held = this.active.get(target);
    if (held) held.reservedBytes = bytes;
  }

  /** Bytes other uploads have reserved. */
  reservedByOthers(target: string): number {
    let sum = 0;
    for (const [t, u] of this.active) if (t !== target) sum += u.reservedBytes;
    return sum;
  }

  /** Gives up one hold; returns how many holders remain (0: the target is free). */
  release(target: string, socket?: Socket): number {
    const held = this.active.get(target);
    if (!held) return 0;
    held.holders -= 1;
    if (socket) held.sockets.delete(socket);
    if (held.holders > 0) return held.holders;
    this.active.delete(target);
    for (const wake of this.freed.get(target) ?? []) wake();
    this.freed.delete(target);
    return 0;
  }

  /**
   * True when `target` is free after: its holders read nothing for TAKEOVER_QUIET_MS and were cut, or it
   * was released meanwhile. A holder without a connection (a pull) is never judged quiet.
   */
  private async cutQuietHolders(target: string): Promise<boolean> {
    const held = this.active.get(target);
    if (!held || held.sockets.size < held.holders) return !held;
    const before = new Map([...held.sockets].map((s) => [s, s.bytesRead]));
    await new Promise((r) => setTimeout(r, TAKEOVER_QUIET_MS));
    if (this.active.get(target) !== held) return !this.active.has(target);
    if ([...held.sockets].some((s) => s.bytesRead !== before.get(s))) return false;
    const freed = this.whenFree(target);
    for (const s of held.sockets) s.destroy();
    await freed;
    return !this.active.has(target);
  }

  private whenFree(target: string): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, RELEASE_WAIT_MS);
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      this.freed.set(target, [...(this.freed.get(target) ?? []), wake]);
    });
  }
}
