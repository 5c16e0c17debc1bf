import { formatBytes } from '../../core/units';

/** A rate shows once a transfer has run this long: before, one burst would read as the link's speed. */
const SETTLE_MS = 1000;

/**
 * Each node's current transfer rate, from its progress reports (bytes done so far): measured
 * from its first report on the current transport, so an escalation starts the count again.
 */
export class TransferRates {
  private readonly starts = new Map<string, { transport: string; at: number; done: number }>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** ` 5.9 MiB/s` (leading space) once the node's transfer has run SETTLE_MS; '' before. */
  text(node: string, transport: string, done: number): string {
    const now = this.clock();
    const start = this.starts.get(node);
    if (!start || start.transport !== transport || done < start.done) {
      this.starts.set(node, { transport, at: now, done });
      return '';
    }
    const ms = now - start.at;
    return ms < SETTLE_MS ? '' : ` ${formatBytes(Math.round(((done - start.done) * 1000) / ms))}/s`;
  }
}
