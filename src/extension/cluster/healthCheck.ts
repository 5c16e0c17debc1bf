import { HealthMonitor } from '../../core/router';
import type { Result } from '../../core/result';
import type { ClusterSession } from '../../core/session';
import type { Log } from './storePorts';

/**
 * The periodic health check (setting ringriftSync.healthCheckIntervalSeconds): every ready node
 * probed each interval; failures become TRANSPORT_DEGRADED events and show in the tree. It never
 * disables a node. Runs only in a trusted workspace; restarted when the file or settings change.
 */
export class HealthCheck {
  private monitor: HealthMonitor | undefined;
  private firstRound: NodeJS.Timeout | undefined;

  constructor(
    /** Opened only when the first round is due: starting a window opens no session. */
    private readonly sessions: { session(): Result<ClusterSession, string> },
    private readonly intervalMs: () => number,
    private readonly allowed: () => boolean,
    private readonly onRound: () => void,
    private readonly log: Log,
  ) {}

  restart(): void {
    this.stop();
    const interval = this.intervalMs();
    if (interval <= 0 || !this.allowed()) return;
    // The first round after one interval, not at startup: opening a window must not fan out to every node.
    this.firstRound = setTimeout(() => this.startMonitor(interval), interval);
  }

  private startMonitor(interval: number): void {
    const session = this.sessions.session();
    if (!session.ok) return;
    const s = session.value;
    this.monitor = new HealthMonitor(s.connectivity, () => s.nodes, {
      intervalMs: interval,
      concurrency: s.settings.concurrency,
      onRound: (rows) => {
        const failed = rows.filter((r) => !r.success).length;
        this.log.info(`health check: ${rows.length - failed} transport(s) ok, ${failed} failed`);
        this.onRound();
      },
    });
    this.monitor.start();
  }

  stop(): void {
    clearTimeout(this.firstRound);
    this.monitor?.stop();
    this.monitor = undefined;
  }
}
