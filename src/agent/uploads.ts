import type { Socket } from 'node:net';
import { LET_GO_MS, stayedQuiet } from './quietConnections';

/**
 * Uploads in progress, by target path. One transfer per target at a time: a second one gets 409
 * instead of interleaving bytes into the same partial. A transfer is named by its kind and file:
 * the ranges of one ranged transfer (same size and sha256) may hold the target together, any
 * other transfer is refused while they do. The disk check counts the bytes the others still have
 * to write, so two concurrent uploads cannot both pass a check only one fits.
 * Holders whose connections went quiet yield to a new upload (quietConnections.ts).
 */
interface ActiveUpload {
  /** A name the requests that may share the target agree on; a symbol for a request alone. */
  transfer: string | symbol;
  holders: number;
  /** The connections of the holders that came over HTTP (how a quiet one is told and cut). */
  sockets: Set<Socket>;
  reservedBytes: number;
}

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
   * True when `target` is free after: its holders' connections stayed quiet and were cut, or it
   * was released meanwhile. A holder without a connection (a pull) is never judged quiet.
   */
  private async cutQuietHolders(target: string): Promise<boolean> {
    const held = this.active.get(target);
    if (!held || held.sockets.size < held.holders) return !held;
    const sockets = [...held.sockets];
    const quiet = await stayedQuiet(sockets);
    if (this.active.get(target) !== held) return !this.active.has(target);
    if (!quiet || held.sockets.size !== sockets.length) return false;
    const freed = this.whenFree(target);
    for (const s of sockets) s.destroy();
    await freed;
    return !this.active.has(target);
  }

  private whenFree(target: string): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, LET_GO_MS);
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      this.freed.set(target, [...(this.freed.get(target) ?? []), wake]);
    });
  }
}
