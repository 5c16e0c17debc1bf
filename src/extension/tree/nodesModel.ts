import type { HostsState } from '../hosts/hostsState';
import { buildTree } from './buildTree';
import type { TreeEntry } from './treeEntry';

/** The subset of `vscode.LogOutputChannel` the model writes to. */
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
  log: Log;
  /** File watchers fire several events for one save: wait this long after the last one. */
  debounceMs?: number;
  timers?: Timers;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** The Nodes tree's data: reloads (debounced, one at a time) and tells listeners when it changed. */
export class NodesModel {
  private entries: TreeEntry[] = [];
  private current: HostsState | undefined;
  private readonly listeners = new Set<() => void>();
  private timer: unknown;
  private running: Promise<void> | undefined;
  private again = false;
  private readonly debounceMs: number;
  private readonly timers: Timers;

  constructor(private readonly opts: NodesModelOptions) {
    this.debounceMs = opts.debounceMs ?? 300;
    this.timers = opts.timers ?? realTimers;
  }

  roots(): TreeEntry[] {
    return this.entries;
  }

  state(): HostsState | undefined {
    return this.current;
  }

  /** Returns an unsubscribe function. */
  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reload after `debounceMs` of quiet. */
  scheduleReload(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      void this.reload();
    }, this.debounceMs);
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
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  private async loadOnce(): Promise<void> {
    const t0 = Date.now();
    const state = await this.opts.load();
    this.current = state;
    this.entries = buildTree(state);
    const ms = Date.now() - t0;
    if (state.kind === 'loaded') {
      const errors = state.hosts.diagnostics.filter((d) => d.severity === 'error').length;
      this.opts.log.info(`loaded ${state.hosts.nodes.length} node(s) from ${state.file} in ${ms} ms${errors ? `, ${errors} error(s)` : ''}`);
    } else {
      this.opts.log.warn(state.message);
    }
    for (const listener of this.listeners) listener();
  }
}
