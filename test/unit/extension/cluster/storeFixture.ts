import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClusterStore } from '../../../../src/extension/cluster/clusterStore';
import type { Slicing } from '../../../../src/core/slicedRun';
import type { EditorText, Timers, TokenSource } from '../../../../src/extension/cluster/storePorts';
import type { HostsState } from '../../../../src/extension/hosts/hostsState';
import { readSettings } from '../../../../src/extension/settings/extensionSettings';

/** Timers the test fires by hand: debouncing without waiting. */
class ManualTimers implements Timers {
  pending = new Map<number, { fn: () => void; ms: number }>();
  private next = 1;
  setTimeout(fn: () => void, ms: number): number {
    this.pending.set(this.next, { fn, ms });
    return this.next++;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  fireAll(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    due.forEach((t) => t.fn());
  }
}

/** A token kept in memory; `change` plays another window setting it. */
class MemoryToken implements TokenSource {
  value: string | undefined;
  private readonly listeners = new Set<() => void>();
  get(): string | undefined {
    return this.value;
  }
  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  change(value: string | undefined): void {
    this.value = value;
    this.listeners.forEach((l) => l());
  }
}

/** An editor's text: `edit` bumps the version (and makes it dirty), `save` makes it clean. */
export class FakeEditor implements EditorText {
  version = 1;
  isDirty = false;
  constructor(
    readonly fileName: string,
    private text: string,
  ) {}
  get key(): string {
    return `file://${this.fileName}`;
  }
  getText(): string {
    return this.text;
  }
  edit(text: string): this {
    this.text = text;
    this.version++;
    this.isDirty = true;
    return this;
  }
  save(): this {
    this.isDirty = false;
    return this;
  }
}

/** Trees built at once (a slow first slice on a busy machine would otherwise make a test's tree late). */
const AT_ONCE: Slicing = { sliceMs: Infinity, yieldNow: async () => undefined };

export function makeStore(load: () => Promise<HostsState>, slicing: Slicing = AT_ONCE) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-store-'));
  const timers = new ManualTimers();
  const token = new MemoryToken();
  const logged: string[] = [];
  let loads = 0;
  const store = new ClusterStore({
    loadHosts: () => (loads++, load()),
    settings: () => readSettings((k) => (k === 'stateDir' ? path.join(dir, 'state') : undefined), { HOME: dir }),
    env: { HOME: dir },
    token,
    prompts: {},
    log: { info: (m) => logged.push(`info ${m}`), warn: (m) => logged.push(`warn ${m}`) },
    timers,
    clock: () => Date.now(),
    slicing,
  });
  const cleanup = () => {
    store.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { store, timers, token, logged, loads: () => loads, stateDir: path.join(dir, 'state'), cleanup };
}

export const settle = () => new Promise((r) => setImmediate(r));
