import type { NodeSpec } from '../../core/hosts';
import { emptyState, type AlertThresholds, type RouterState } from '../../core/router';
import type { LastDiagnosis } from '../cluster/lastDiagnosis';
import type { LiveProbes } from '../cluster/liveProbes';
import type { HostsState } from '../hosts/hostsState';
import { buildTree, type BuiltTree } from './buildTree';
import type { ClusterSummary } from './summaryEntry';
import type { TreeEntry } from './treeEntry';
import { DEFAULT_VIEW, type ViewOptions } from './viewOptions';

/** The subset of `vscode.LogOutputChannel` the extension writes to. */
export interface Log {
  info(message: string): void;
  warn(message: string): void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface NodesModelOptions {
  /** Locates and loads the hosts file; never throws. */
  load: () => Promise<HostsState>;
  /** The router state for a loaded hosts file (shared state dir); empty state when there is none. */
  readState?: (hosts: HostsState) => RouterState;
  thresholds?: () => AlertThresholds;
  live?: LiveProbes;
  /** The node's last `doctor` report (ClusterService keeps them). */
  diagnosis?: (node: string) => LastDiagnosis | undefined;
  log: Log;
  /** File watchers fire several events for one save: wait this long after the last one. */
  debounceMs?: number;
  timers?: Timers;
  clock?: () => number;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

const NO_ALERTS: AlertThresholds = { transportFailuresPerHour: Infinity, disabledNodesPercent: Infinity, escalationsPerHour: Infinity };
/** Live probe results arrive in bursts; one repaint per this many ms is plenty... */
const REPAINT_MS = 100;
/** ...or, for a big cluster, per this many times the last rebuild took (keeps a test of 1,000 nodes under ~25% CPU). */
const REPAINT_FACTOR = 4;
/** State-dir events come in pairs (temp file, rename): re-read once after they settle. */
const STATE_DEBOUNCE_MS = 150;

/**
 * The Nodes tree's data: the hosts file (reloaded debounced, one load at a time), the router state
 * (re-read when the state dir changes), and tests in flight. Tells listeners when it changed.
 */
export class NodesModel {
  private built: BuiltTree = { roots: [] };
  private current: HostsState | undefined;
  private routerState: RouterState = emptyState();
  private viewOptions: ViewOptions = DEFAULT_VIEW;
  private readonly listeners = new Set<() => void>();
  private readonly loadListeners = new Set<(hosts: HostsState) => void>();
  private readonly timersById = new Map<string, unknown>();
  private running: Promise<void> | undefined;
  private again = false;
  private readonly debounceMs: number;
  private readonly timers: Timers;
  private readonly unsubscribeLive: () => void;
  private lastBuildMs = 0;

  constructor(private readonly opts: NodesModelOptions) {
    this.debounceMs = opts.debounceMs ?? 300;
    this.timers = opts.timers ?? realTimers;
    this.unsubscribeLive =
      opts.live?.onDidChange(() => {
        // Throttle, not debounce: results keep coming for a while, and each should show soon.
        if (!this.timersById.has('repaint')) this.schedule('repaint', Math.max(REPAINT_MS, REPAINT_FACTOR * this.lastBuildMs), () => this.rebuild());
      }) ?? (() => undefined);
  }

  roots(): TreeEntry[] {
    return this.built.roots;
  }

  /** The hosts file as last loaded. */
  state(): HostsState | undefined {
    return this.current;
  }

  router(): RouterState {
    return this.routerState;
  }

  summary(): ClusterSummary | undefined {
    return this.built.summary;
  }

  message(): string | undefined {
    return this.built.message;
  }

  nodes(): NodeSpec[] {
    return this.current?.kind === 'loaded' ? this.current.hosts.nodes : [];
  }

  view(): ViewOptions {
    return this.viewOptions;
  }

  setView(change: Partial<ViewOptions>): void {
    this.viewOptions = { ...this.viewOptions, ...change };
    this.rebuild();
  }

  /** Returns an unsubscribe function. */
  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after each hosts-file (re)load, before the tree is rebuilt (the session follows the file). */
  onDidLoad(listener: (hosts: HostsState) => void): () => void {
    this.loadListeners.add(listener);
    return () => this.loadListeners.delete(listener);
  }

  /** Reload after `debounceMs` of quiet. */
  scheduleReload(): void {
    this.schedule('reload', this.debounceMs, () => void this.reload());
  }

  /** Re-read the router state soon (the state dir changed: a CLI run, or our own write). */
  scheduleStateRefresh(): void {
    this.schedule('state', STATE_DEBOUNCE_MS, () => this.refreshState());
  }

  /** Re-read the router state now and repaint. */
  refreshState(): void {
    if (this.current) this.routerState = this.opts.readState?.(this.current) ?? emptyState();
    this.rebuild();
  }

  /** Reload now. A request during a reload runs once more after it, so the last write always shows. */
  reload(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.loadOnce();
      } while (this.again);
      this.running = undefined;
    })();
    return this.running;
  }

  dispose(): void {
    for (const h of this.timersById.values()) this.timers.clearTimeout(h);
    this.timersById.clear();
    this.unsubscribeLive();
    this.listeners.clear();
    this.loadListeners.clear();
  }

  private schedule(id: string, ms: number, fn: () => void): void {
    const old = this.timersById.get(id);
    if (old !== undefined) this.timers.clearTimeout(old);
    this.timersById.set(
      id,
      this.timers.setTimeout(() => {
        this.timersById.delete(id);
        fn();
      }, ms),
    );
  }

  private rebuild(): void {
    if (!this.current) return;
    const t0 = Date.now();
    this.built = buildTree({
      hosts: this.current,
      state: this.routerState,
      now: (this.opts.clock ?? Date.now)(),
      thresholds: this.opts.thresholds?.() ?? NO_ALERTS,
      live: this.opts.live ? (n) => this.opts.live!.get(n) : undefined,
      diagnosis: this.opts.diagnosis,
      view: this.viewOptions,
    });
    this.lastBuildMs = Date.now() - t0;
    for (const listener of this.listeners) listener();
  }

  private async loadOnce(): Promise<void> {
    const t0 = Date.now();
    const state = await this.opts.load();
    this.current = state;
    for (const listener of this.loadListeners) listener(state);
    this.routerState = this.opts.readState?.(state) ?? emptyState();
    const ms = Date.now() - t0;
    if (state.kind === 'loaded') {
      const errors = state.hosts.diagnostics.filter((d) => d.severity === 'error').length;
      this.opts.log.info(`loaded ${state.hosts.nodes.length} node(s) from ${state.file} in ${ms} ms${errors ? `, ${errors} error(s)` : ''}`);
    } else {
      this.opts.log.warn(state.message);
    }
    this.rebuild();
  }
}
