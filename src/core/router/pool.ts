/**
 * When a task may give up its slot: after `afterMs` still running, it is taken to be waiting (on
 * a node that accepted a connection and says nothing), not working, and the next item starts;
 * at most `maxInFlight` tasks run in all, waiting ones included.
 */
export interface SlotYield {
  afterMs: number;
  maxInFlight: number;
}

/**
 * Runs `work` over `items` with at most `limit` at once (see SlotYield for waiting ones), results
 * in input order. Once `signal` aborts, no new item starts; running ones see the same signal and
 * stop themselves. A rejected task rejects the whole, after the running ones end.
 */
export function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
  yieldSlot?: SlotYield,
): Promise<Array<R | undefined>> {
  const results: Array<R | undefined> = new Array(items.length);
  const cap = Math.max(1, limit);
  const maxInFlight = Math.max(cap, yieldSlot?.maxInFlight ?? cap);
  let next = 0;
  let working = 0;
  let inFlight = 0;
  let failure: { error: unknown } | undefined;
  return new Promise((resolve, reject) => {
    const pump = () => {
      while (working < cap && inFlight < maxInFlight && next < items.length && !signal?.aborted && !failure) start(next++);
      if (inFlight > 0) return;
      if (failure) reject(failure.error);
      else resolve(results);
    };
    const start = (i: number) => {
      working++;
      inFlight++;
      let holding = true;
      const release = () => void (holding && ((holding = false), working--));
      const timer = yieldSlot && setTimeout(() => (release(), pump()), yieldSlot.afterMs);
      work(items[i], i).then(
        (r) => void (results[i] = r),
        (error: unknown) => void (failure ??= { error }),
      ).finally(() => {
        clearTimeout(timer);
        release();
        inFlight--;
        pump();
      });
    };
    pump();
  });
}
