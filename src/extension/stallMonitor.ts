/**
 * How long the extension host's event loop was blocked: a timer due every TICK_MS, and each tick's
 * lateness is a stall. A late tick is either the thread busy (our work, or another extension's)
 * or the thread not run at all (a machine with more work than cores): the thread's CPU time over
 * the gap tells them apart, so each stall says both. Off until started (the e2e suite starts it
 * through the API): an idle extension host would otherwise wake 100 times a second for nothing.
 */
const TICK_MS = 10;

export interface Stall {
  /** How late the tick came (wall time). */
  ms: number;
  /** CPU time the extension host's thread spent in that gap: the part of the stall that was work. */
  cpuMs: number;
  /** When it ended (Date.now()). */
  at: number;
}

type CpuClock = () => number;

/** This thread's CPU time in ms (Node >= 23.9; before it, the whole process's: an overestimate). */
const THREAD_CPU: CpuClock = () => {
  const usage = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.() ?? process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

export class StallMonitor {
  private timer: NodeJS.Timeout | undefined;
  private last = { wall: 0, cpu: 0 };
  private worst: { wall?: Stall; busy?: Stall } = {};

  constructor(
    private readonly clock: () => number = () => performance.now(),
    private readonly cpuClock: CpuClock = THREAD_CPU,
  ) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.timer) return;
    this.reset();
    // unref: the monitor never keeps a process alive on its own.
    this.timer = setInterval(() => this.tick(), TICK_MS).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Forgets the stalls seen so far (and counts the next one from now). */
  reset(): void {
    this.worst = {};
    this.last = { wall: this.clock(), cpu: this.cpuClock() };
  }

  /** The latest tick since start or reset; undefined when none came late. */
  longest(): Stall | undefined {
    return this.worst.wall;
  }

  /** The stall with the most CPU time of this thread in it: the longest the thread's own work blocked it. */
  longestBusy(): Stall | undefined {
    return this.worst.busy;
  }

  /** Exposed for the unit test's fake clocks; the interval calls it. */
  tick(): void {
    const now = { wall: this.clock(), cpu: this.cpuClock() };
    const late = now.wall - this.last.wall - TICK_MS;
    const stall = { ms: Math.round(late), cpuMs: Math.round(Math.min(late, now.cpu - this.last.cpu)), at: Date.now() };
    this.last = now;
    if (late <= 0) return;
    if (stall.ms > (this.worst.wall?.ms ?? 0)) this.worst.wall = stall;
    if (stall.cpuMs > (this.worst.busy?.cpuMs ?? 0)) this.worst.busy = stall;
  }
}
