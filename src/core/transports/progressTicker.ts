import type { PushProgress } from './transport';

/** Often enough for "progress at least once a second", even while the link is stalled. */
const PROGRESS_EVERY_MS = 500;

/**
 * Reports `read()` now and every half second until `stop()`: a stalled transfer still shows
 * where it is. A progress display that throws never fails the push.
 */
export function progressTicker(progress: PushProgress, read: () => { done: number; total: number }): { report(): void; stop(): void } {
  const report = () => {
    try {
      const { done, total } = read();
      progress(done, total);
    } catch {
      /* a progress display failing must not fail the push */
    }
  };
  report();
  const timer = setInterval(report, PROGRESS_EVERY_MS);
  return { report, stop: () => clearInterval(timer) };
}
