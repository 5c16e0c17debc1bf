import { hasRoom, pickSource, PULL_TRIES, SOURCE_FAILURE_LIMIT, type Holder } from './plan';

/**
 * The one owner of a fan-out's sources: who holds the verified file (and since which wave), how
 * many pulls each serves, how often pulls from each failed, and which sources each puller tried.
 */
export class SourceBook {
  private readonly holders = new Map<string, Holder>();
  private readonly tried = new Map<string, Set<string>>();

  constructor(private readonly perSource: number) {}

  /** A node now holds the verified file; `failures` are the router's from before the fan-out. */
  addHolder(name: string, wave: number, failures = 0): void {
    this.holders.set(name, { name, wave, active: 0, failures, dead: false });
  }

  /** Reserves a slot of the best source for `puller`, or undefined when none has room now. */
  take(puller: string): Holder | undefined {
    const tried = this.tried.get(puller) ?? new Set<string>();
    if (tried.size >= PULL_TRIES) return undefined;
    const h = pickSource([...this.holders.values()], tried, this.perSource);
    if (!h) return undefined;
    h.active++;
    this.tried.set(puller, tried.add(h.name));
    return h;
  }

  /** A pull from `source` ended (either way): its slot is free. */
  release(source: string): void {
    const h = this.holders.get(source);
    if (h) h.active = Math.max(0, h.active - 1);
  }

  /** A pull from `source` failed on the source's side; alive: it still answers its health check. */
  failed(source: string, alive: boolean): void {
    const h = this.holders.get(source);
    if (!h) return;
    h.failures++;
    if (!alive) h.dead = true;
  }

  /**
   * Whether `puller` may still get a source later: it has tries left and an untried live holder
   * exists (busy now, perhaps). Otherwise it falls back to the direct chain.
   */
  canStillSource(puller: string): boolean {
    const tried = this.tried.get(puller) ?? new Set<string>();
    if (tried.size >= PULL_TRIES) return false;
    return [...this.holders.values()].some((h) => !h.dead && h.failures < SOURCE_FAILURE_LIMIT && !tried.has(h.name));
  }

  /** Whether some holder could take a puller now. */
  hasRoom(): boolean {
    return [...this.holders.values()].some((h) => hasRoom(h, this.perSource));
  }
}
