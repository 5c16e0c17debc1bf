import type { ByteRange } from '../byteRanges';
import type { StreamScaler } from './streamCount';

/** Bytes of a push as the progress display sees them. */
export interface PushMeter {
  /** Bytes on the node: its partial, or its completed ranges plus what is in flight. */
  onNode: number;
  /** Bytes written to sockets by this push. */
  sent: number;
}

/**
 * The byte count of one round of ranges sent over several streams (our agent's ranged PUT, base64
 * over several SSH connections): what each range in flight has sent, the ranges the node
 * confirmed, and from those `meter.onNode`; each byte sent also feeds the stream scaler.
 */
export class RangeProgress {
  /** Bytes of ranges the node confirmed (durable and verified there) this round. */
  landedBytes = 0;
  private readonly inFlight = new Map<ByteRange, number>();
  /** Ranges in flight whose bytes all went: the node is verifying them. */
  private readonly allWent = new Set<ByteRange>();

  constructor(
    private readonly meter: PushMeter,
    private readonly scaler: StreamScaler,
    /** Bytes the node held before this round. */
    private readonly doneBefore: number,
  ) {}

  begin(range: ByteRange): void {
    this.inFlight.set(range, 0);
  }

  sent(range: ByteRange, n: number): void {
    this.meter.sent += n;
    this.inFlight.set(range, (this.inFlight.get(range) ?? 0) + n);
    this.update();
    this.scaler.observe(this.meter.sent, this.sending());
  }

  /**
   * Its bytes all went; it stays in flight until the node answers, but no longer counts as sending:
   * an SSH stream already sends its next range meanwhile, and one stream must not count twice.
   */
  allSent(range: ByteRange): void {
    this.allWent.add(range);
  }

  /** Ranges in flight that have sent bytes (and not all): streams past their connect (and, over SSH, login). */
  private sending(): number {
    let n = 0;
    for (const [range, bytes] of this.inFlight) if (bytes > 0 && !this.allWent.has(range)) n++;
    return n;
  }

  /** The range is no longer in flight; `landed`: the node confirmed it. */
  end(range: ByteRange, landed: boolean): void {
    this.inFlight.delete(range);
    this.allWent.delete(range);
    if (landed) this.landedBytes += range.end - range.start;
    this.update();
  }

  private update(): void {
    let moving = 0;
    for (const n of this.inFlight.values()) moving += n;
    this.meter.onNode = this.doneBefore + this.landedBytes + moving;
  }
}
