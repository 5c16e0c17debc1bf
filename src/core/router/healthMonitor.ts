import type { NodeSpec } from '../hosts/nodeSpec';
import { testConnectivity, type ConnectivityTestDeps, type ProbeRow } from './connectivityTest';

/**
 * Periodic health check (the extension's background check, `test --watch`): probes every ready
 * node on an interval and emits TRANSPORT_DEGRADED for each failing transport. It warns; it never
 * disables a node (only a sync that exhausts every transport does).
 */
export class HealthMonitor {
  private timer: NodeJS.Timeout | undefined;
  private running: AbortController | undefined;
  private stopped = false;

  constructor(
    private readonly deps: ConnectivityTestDeps,
    private readonly nodes: () => NodeSpec[],
    private readonly opts: { intervalMs: number; concurrency: number; onRound?: (rows: ProbeRow[]) => void },
  ) {}

  /** Starts the first round now, the next ones `intervalMs` after each round ends. */
  start(): void {
    this.stopped = false;
    void this.round();
  }

  /** Runs one round (also used by tests). */
  async round(): Promise<ProbeRow[]> {
    clearTimeout(this.timer);
    this.running = new AbortController();
    const nodes = this.nodes().filter((n) => n.ready);
    let rows: ProbeRow[] = [];
    try {
      rows = await testConnectivity(this.deps, nodes, { concurrency: this.opts.concurrency, signal: this.running.signal, emitDegraded: true });
      this.opts.onRound?.(rows);
    } finally {
      this.running = undefined;
      if (!this.stopped) this.timer = setTimeout(() => void this.round(), this.opts.intervalMs);
    }
    return rows;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.running?.abort();
  }
}
