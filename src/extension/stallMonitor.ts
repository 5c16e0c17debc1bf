/**
 * How long the extension host's event loop was blocked: a timer due every TICK_MS, and each tick's
 * lateness is a stall. Off until started (the e2e suite starts it through the API): an idle
 * extension host would otherwise wake 100 times a second for nothing a user sees.
 */
const TICK_MS = 10;

export interface Stall {
  /** How long the loop could not run a timer (lateness of the tick). */
  ms: number;
  /** When it ended (Date.now()). */
  at: number;
}

export class StallMonitor {
  private timer: NodeJS.Timeout | undefined;
  private lastTick = 0;
  private worst: Stall | undefined;

  constructor(private readonly clock: () => number = () => performance.now()) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.timer) return;
    this.lastTick = this.clock();
    // unref: the monitor never keeps a process alive on its own.
    this.timer = setInterval(() => this.tick(), TICK_MS).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Forgets the longest stall seen so far (and counts the next one from now). */
  reset(): void {
    this.worst = undefined;
    this.lastTick = this.clock();
  }

  /** The longest stall since start or reset; undefined when none was over a tick. */
  longest(): Stall | undefined {
    return this.worst;
  }

  /** Exposed for the unit test's fake clock; the interval calls it. */
  tick(): void {
    const now = this.clock();
    const late = now - this.lastTick - TICK_MS;
    this.lastTick = now;
    if (late > 0 && late > (this.worst?.ms ?? 0)) this.worst = { ms: Math.round(late), at: Date.now() };
  }
}
