/**
 * Uploads in progress, by target path. One transfer per target at a time: a second one gets 409
 * instead of interleaving bytes into the same partial. A transfer is named by its kind and file:
 * the ranges of one ranged transfer (same size and sha256) may hold the target together, any
 * other transfer is refused while they do. The disk check counts the bytes the others still have
 * to write, so two concurrent uploads cannot both pass a check only one fits.
 */
interface ActiveUpload {
  /** A name the requests that may share the target agree on; a symbol for a request alone. */
  transfer: string | symbol;
  holders: number;
  reservedBytes: number;
}

export class UploadRegistry {
  private readonly active = new Map<string, ActiveUpload>();

  /**
   * Claims `target`; false when another transfer holds it. `sharedBy` names a transfer whose
   * requests may hold the target together (the ranges of one file); without it the claim is exclusive.
   */
  claim(target: string, sharedBy?: string): boolean {
    const transfer = sharedBy ?? Symbol('exclusive');
    const held = this.active.get(target);
    if (held && held.transfer !== transfer) return false;
    if (held) held.holders += 1;
    else this.active.set(target, { transfer, holders: 1, reservedBytes: 0 });
    return true;
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
  release(target: string): number {
    const held = this.active.get(target);
    if (!held) return 0;
    held.holders -= 1;
    if (held.holders <= 0) this.active.delete(target);
    return Math.max(0, held.holders);
  }
}
