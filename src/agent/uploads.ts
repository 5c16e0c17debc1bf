/**
 * Uploads in progress, by target path. One upload per target at a time (a second one gets 409
 * instead of interleaving bytes into the same partial), and the disk check counts the bytes the
 * others still have to write, so two concurrent PUTs cannot both pass a check only one fits.
 */
export class UploadRegistry {
  private readonly active = new Map<string, number>();

  /** Claims `target`; false when another upload holds it. */
  claim(target: string): boolean {
    if (this.active.has(target)) return false;
    this.active.set(target, 0);
    return true;
  }

  reserve(target: string, bytes: number): void {
    this.active.set(target, bytes);
  }

  /** Bytes other uploads have reserved. */
  reservedByOthers(target: string): number {
    let sum = 0;
    for (const [t, bytes] of this.active) if (t !== target) sum += bytes;
    return sum;
  }

  release(target: string): void {
    this.active.delete(target);
  }
}
