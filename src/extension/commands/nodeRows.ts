import type { TransportKind } from '../../core/hosts/nodeSpec';
import type { TreeProgress } from '../../core/tree/treeRun';
import { TransferRates } from './transferRates';

/** Progress messages change at most this often (a push reports per chunk). */
const PAINT_EVERY_MS = 200;

/**
 * The per-node rows of a sync's progress message: each node's rung, how far it is and its rate, in
 * one line (`gpu-1 rsync 40% 5.9 MiB/s · gpu-2 p2p 12/300 files · gpu-3 waiting`), repainted at
 * most every 200 ms and whenever a node finishes.
 */
export class NodeRows {
  private readonly rows = new Map<string, string>();
  private readonly rates: TransferRates;
  private lastPaint = -Infinity;

  constructor(
    nodes: readonly string[],
    private readonly paint: (message: string) => void,
    private readonly clock: () => number = Date.now,
  ) {
    for (const n of nodes) this.rows.set(n, 'waiting');
    this.rates = new TransferRates(clock);
  }

  bytes(node: string, transport: TransportKind, done: number, total: number): void {
    const finished = done >= total;
    const rate = this.rates.text(node, transport, done);
    this.set(node, finished ? `${transport} done` : `${transport} ${percent(done, total)}${rate}`, finished);
  }

  files(node: string, transport: TransportKind, p: TreeProgress): void {
    const finished = p.filesDone >= p.filesTotal && p.bytesDone >= p.bytesTotal;
    const rate = this.rates.text(node, transport, p.bytesDone);
    this.set(node, finished ? `${transport} done` : `${transport} ${p.filesDone}/${p.filesTotal} files ${percent(p.bytesDone, p.bytesTotal)}${rate}`, finished);
  }

  /** The message as it stands. */
  message(): string {
    return [...this.rows].map(([node, text]) => `${node} ${text}`).join(' · ');
  }

  private set(node: string, text: string, force: boolean): void {
    this.rows.set(node, text);
    const now = this.clock();
    if (!force && now - this.lastPaint < PAINT_EVERY_MS) return;
    this.lastPaint = now;
    this.paint(this.message());
  }
}

function percent(done: number, total: number): string {
  return `${total > 0 ? Math.floor((done / total) * 100) : 100}%`;
}
