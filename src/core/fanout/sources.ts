import { hasRoom, pickSource, PULL_TRIES, PULLER_STRIKES, serves, type Holder } from './plan';

/**
 * The one owner of a fan-out's sources: who holds the verified file (and since which wave), how
 * many pulls each serves, how often pulls from each failed, and which sources each puller tried.
 */
export class SourceBook {
  private readonly holders = new Map<string, Holder>();
  private readonly tried = new Map<string, Set<string>>();
  /** Per puller: pulls that failed from sources still answering (the fault may be the puller's). */
  private readonly strikes = new Map<string, number>();

  constructor(private readonly perSource: number) {}

  /** A node now holds the verified file; `prior`: the router's p2p failures from before the fan-out. */
  addHolder(name: string, wave: number, prior = 0): void {
    this.holders.set(name, { name, wave, active: 0, prior, failures: 0, served: 0, dead: false });
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

  /** A pull from `source` ended (either way): its slot is free; `verified`: it served one more. */
  release(source: string, verified: boolean): void {
    const h = this.holders.get(source);
    if (!h) return;
    h.active = Math.max(0, h.active - 1);
    if (verified) h.served++;
  }

  /**
   * `puller`'s pull from `source` failed on the source's side; `alive`: the source still answers
   * its health check. A dead source serves no more; a live one serves fewer, and the puller gets
   * a strike (two live sources failing it point at the puller).
   */
  failed(source: string, puller: string, alive: boolean): void {
    const h = this.holders.get(source);
    if (!h) return;
    h.failures++;
    if (!alive) h.dead = true;
    else this.strikes.set(puller, (this.strikes.get(puller) ?? 0) + 1);
  }

  /**
   * Whether `puller` may still get a source later: it has tries and strikes left, and an untried
   * serving holder exists (busy now, perhaps) or a pull under way may add one. Otherwise it falls
   * back to the direct chain.
   */
  canStillSource(puller: string): boolean {
    const tried = this.tried.get(puller) ?? new Set<string>();
    if (tried.size >= PULL_TRIES || (this.strikes.get(puller) ?? 0) >= PULLER_STRIKES) return false;
    const holders = [...this.holders.values()];
    // A pull under way may make a new holder: worth waiting for while the tried ones cannot serve.
    return holders.some((h) => serves(h) && !tried.has(h.name)) || holders.some((h) => h.active > 0);
  }

  /** Whether some holder could take a puller now. */
  hasRoom(): boolean {
    return [...this.holders.values()].some((h) => hasRoom(h, this.perSource));
  }
}
