import { TRANSPORT_KINDS, type TransportKind } from '../hosts/nodeSpec';

/** Knobs of the router. Env vars of the runbook win over settings (they are what the runbook documents). */
export interface AlertThresholds {
  /** `transport_failures`: failures of one node in the last hour. */
  transportFailuresPerHour: number;
  /** `disabled_nodes`: percent of the cluster disabled. */
  disabledNodesPercent: number;
  /** `escalation_count`: syncs that moved past their first transport in the last hour. */
  escalationsPerHour: number;
}

export interface RouterSettings {
  /** Consecutive failures of one transport before the sync moves on (RINGRIFT_SYNC_FAILOVER_THRESHOLD). */
  failoverThreshold: number;
  /**
   * Total time one sync keeps resuming a transport whose tries move the node's partial forward
   * (RINGRIFT_SYNC_RESUME_BUDGET_SECONDS). Unset: from the file's size (`resumeBudgetFor`).
   */
  resumeBudgetMs?: number;
  /** Tried right after the primary's first failure (RINGRIFT_SYNC_BACKUP_TRANSPORT). */
  backupTransport?: TransportKind;
  /** A transport whose probe failed this recently is skipped, not paid for again. */
  recentFailureSkipMs: number;
  /** First and longest wait before a node on a lower transport tries the better ones again. */
  upgradeBackoffMinMs: number;
  upgradeBackoffMaxMs: number;
  /** Delay between starting the probes of successive transports of one sync (Happy Eyeballs). */
  probeStaggerMs: number;
  /** Nodes handled at once by fleet operations. */
  concurrency: number;
  alertThresholds: AlertThresholds;
}

export const DEFAULT_CONCURRENCY = 12;

export const DEFAULT_ROUTER_SETTINGS: RouterSettings = {
  failoverThreshold: 1,
  recentFailureSkipMs: 60_000,
  upgradeBackoffMinMs: 60_000,
  upgradeBackoffMaxMs: 3_600_000,
  probeStaggerMs: 200,
  concurrency: DEFAULT_CONCURRENCY,
  alertThresholds: { transportFailuresPerHour: 5, disabledNodesPercent: 20, escalationsPerHour: 10 },
};

/** The default resume budget: 5 minutes, or the file at 1 MiB/s when that is longer. */
const RESUME_BUDGET_FLOOR_MS = 300_000;
const RESUME_BUDGET_BYTES_PER_S = 1 << 20;

export function resumeBudgetFor(settings: RouterSettings, sizeBytes: number): number {
  return settings.resumeBudgetMs ?? Math.max(RESUME_BUDGET_FLOOR_MS, Math.ceil((sizeBytes / RESUME_BUDGET_BYTES_PER_S) * 1000));
}

/** `ssh` is the runbook's name for rsync. */
export function parseTransportName(name: string): TransportKind | undefined {
  const t = name.trim().toLowerCase();
  if (t === 'ssh') return 'rsync';
  return (TRANSPORT_KINDS as readonly string[]).includes(t) ? (t as TransportKind) : undefined;
}

/**
 * Applies the runbook's env vars on top of `base`. Bad values are reported (returned as warnings)
 * and ignored, never fatal: a typo in an env var must not stop a sync at 3 a.m.
 */
export function applyEnv(base: RouterSettings, env: NodeJS.ProcessEnv): { settings: RouterSettings; warnings: string[] } {
  const settings = { ...base, alertThresholds: { ...base.alertThresholds } };
  const warnings: string[] = [];
  const threshold = env.RINGRIFT_SYNC_FAILOVER_THRESHOLD;
  if (threshold !== undefined && threshold !== '') {
    const n = Number(threshold);
    if (Number.isInteger(n) && n >= 1) settings.failoverThreshold = n;
    else warnings.push(`RINGRIFT_SYNC_FAILOVER_THRESHOLD='${threshold}' is not a whole number >= 1; using ${settings.failoverThreshold}`);
  }
  const budget = env.RINGRIFT_SYNC_RESUME_BUDGET_SECONDS;
  if (budget !== undefined && budget !== '') {
    const n = Number(budget);
    if (Number.isFinite(n) && n > 0) settings.resumeBudgetMs = Math.round(n * 1000);
    else warnings.push(`RINGRIFT_SYNC_RESUME_BUDGET_SECONDS='${budget}' is not a number of seconds > 0; using ${settings.resumeBudgetMs === undefined ? 'the default (from the file size)' : settings.resumeBudgetMs / 1000}`);
  }
  const backup = env.RINGRIFT_SYNC_BACKUP_TRANSPORT;
  if (backup !== undefined && backup !== '') {
    const t = parseTransportName(backup);
    if (t) settings.backupTransport = t;
    else warnings.push(`RINGRIFT_SYNC_BACKUP_TRANSPORT='${backup}' is not a transport (p2p, http, rsync, ssh, base64); ignored`);
  }
  return { settings, warnings };
}
