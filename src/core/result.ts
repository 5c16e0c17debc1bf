/**
 * Errors are values. A failure carries a message an operator can act on, and a stable code that
 * callers (CLI exit codes, the router, the doctor) branch on; nothing deep inside throws strings.
 */
export interface Failure<C extends string = string> {
  ok: false;
  code: C;
  /** One line a human can act on: what failed, where, and what to do. */
  message: string;
}
export interface Success<T> {
  ok: true;
  value: T;
}
export type Result<T, C extends string = string> = Success<T> | Failure<C>;

export const ok = <T>(value: T): Success<T> => ({ ok: true, value });
export const fail = <C extends string>(code: C, message: string): Failure<C> => ({ ok: false, code, message });

/** Turns an unknown thrown value into one line of text (never a stack). */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}
