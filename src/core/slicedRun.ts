/**
 * Long work split into steps (a generator that yields between them), run either at once (the CLI,
 * tests) or in slices that give the event loop back (an editor's extension host): after `sliceMs`
 * of steps, `yieldNow()` lets timers and input run, then the next slice goes on, unless the work
 * went stale meanwhile (a newer edit, a newer tree).
 */
export interface Slicing {
  sliceMs: number;
  yieldNow: () => Promise<void>;
}

/**
 * Slices of 15 ms, each followed by a turn of the event loop (setImmediate: timers and I/O first).
 * Short: in the extension host a slice can share one turn with VS Code copying a provider's answer
 * (the outline of 5,000 hosts: tens of ms), and the two together should stay well under 100 ms.
 */
export const EVENT_LOOP_SLICING: Slicing = { sliceMs: 15, yieldNow: () => new Promise((resolve) => setImmediate(resolve)) };

export function runAtOnce<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Work done in its first slice, or the promise of the rest (undefined when it went stale). */
export type SlicedOutcome<T> = { done: true; value: T } | { done: false; rest: Promise<T | undefined> };

/**
 * The first slice now, the rest after turns of the event loop. Work that fits in one slice (most)
 * answers synchronously: its caller's effects keep their order.
 */
export function runFromNow<T>(steps: Generator<void, T>, slicing: Slicing, isStale: () => boolean): SlicedOutcome<T> {
  const first = slice(steps, slicing.sliceMs);
  return first.done ? first : { done: false, rest: restInSlices(steps, slicing, isStale) };
}

/** The work's result, or undefined when `isStale()` said to stop at a slice's end. */
export async function runInSlices<T>(steps: Generator<void, T>, slicing: Slicing, isStale: () => boolean): Promise<T | undefined> {
  const started = runFromNow(steps, slicing, isStale);
  return started.done ? started.value : started.rest;
}

async function restInSlices<T>(steps: Generator<void, T>, slicing: Slicing, isStale: () => boolean): Promise<T | undefined> {
  for (;;) {
    await slicing.yieldNow();
    if (isStale()) return undefined;
    const next = slice(steps, slicing.sliceMs);
    if (next.done) return next.value;
  }
}

function slice<T>(steps: Generator<void, T>, sliceMs: number): { done: true; value: T } | { done: false } {
  const deadline = performance.now() + sliceMs;
  for (;;) {
    const step = steps.next();
    if (step.done) return { done: true, value: step.value };
    if (performance.now() >= deadline) return { done: false };
  }
}

/** One piece of work at a time, in slices: starting another makes the one under way stale (it stops, unanswered). */
export class LatestWins {
  private generation = 0;

  constructor(private readonly slicing: Slicing) {}

  start<T>(steps: Generator<void, T>, onDone: (value: T) => void): void {
    const generation = ++this.generation;
    const started = runFromNow(steps, this.slicing, () => generation !== this.generation);
    if (started.done) onDone(started.value);
    else void started.rest.then((value) => value !== undefined && onDone(value));
  }
}

/**
 * Event-loop turns handed out one at a time: each `take()` resolves in a turn of its own, after the
 * previous taker's. Several callers waiting for one thing (a parse that VS Code's outline, lenses,
 * tokens and our diagnostics all asked for) would otherwise all go on in the turn it is done, and
 * so would VS Code's copying of each answer (the outline of 5,000 hosts: tens of ms each).
 */
export class TurnQueue {
  private last: Promise<void> = Promise.resolve();

  constructor(private readonly nextTurn: () => Promise<void>) {}

  take(): Promise<void> {
    const turn = this.last.then(this.nextTurn);
    this.last = turn;
    return turn;
  }
}

/**
 * A turn of the event loop's timers phase, after the timers already due: unlike setImmediate, not
 * the rest of this turn (work started from an I/O callback, such as VS Code handing over a 2 MB
 * document, would share its turn). The timer is set from the check phase, once the work of this
 * turn is done: set at once, it would be due before a timer that came due during that work (the
 * stall monitor's), and two takers' turns would run back to back.
 */
export const nextTimerTurn = (): Promise<void> => new Promise((resolve) => setImmediate(() => setTimeout(resolve, 0)));
