/**
 * `signal`, or `ms` elapsed: the signal of a bounded step. Not AbortSignal.any([signal,
 * AbortSignal.timeout(ms)]): on Node 20 the composed timeout signal can be garbage-collected before
 * it fires, and then the step is never cut (nodejs/node#57736; a doctor run hung 50 s on a 3 s
 * bound). Here the timer holds the controller; `dispose` when the step ends frees both.
 */
export interface Deadline {
  signal: AbortSignal;
  dispose(): void;
}

export function deadline(signal: AbortSignal, ms: number): Deadline {
  const c = new AbortController();
  const onAbort = () => c.abort(signal.reason);
  const timer = setTimeout(() => c.abort(new DOMException(`no result within ${ms} ms`, 'TimeoutError')), ms);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return {
    signal: c.signal,
    dispose: () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}

/** Runs `step` under a deadline, disposing it however the step ends. */
export async function withDeadline<T>(signal: AbortSignal, ms: number, step: (bounded: AbortSignal) => Promise<T>): Promise<T> {
  const d = deadline(signal, ms);
  try {
    return await step(d.signal);
  } finally {
    d.dispose();
  }
}
