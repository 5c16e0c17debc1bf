import type { Timers } from './storePorts';

/** One pending timer per purpose ('reload', 'state', ...): scheduling again replaces it (debounce). */
export class KeyedTimers<Key extends string> {
  private readonly pending = new Map<Key, unknown>();

  constructor(private readonly timers: Timers) {}

  has(key: Key): boolean {
    return this.pending.has(key);
  }

  schedule(key: Key, ms: number, fn: () => void): void {
    const old = this.pending.get(key);
    if (old !== undefined) this.timers.clearTimeout(old);
    this.pending.set(
      key,
      this.timers.setTimeout(() => {
        this.pending.delete(key);
        fn();
      }, ms),
    );
  }

  clearAll(): void {
    for (const h of this.pending.values()) this.timers.clearTimeout(h);
    this.pending.clear();
  }
}
