/**
 * What the cluster store needs from outside, as small interfaces: the VS Code side (app.ts and the
 * glue files) implements them, unit tests pass plain objects. No `vscode` import here.
 */

/** The subset of `vscode.LogOutputChannel` the extension writes to. */
export interface Log {
  info(message: string): void;
  warn(message: string): void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const REAL_TIMERS: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** An open editor's text (a `vscode.TextDocument`, seen through what the store needs of it). */
export interface EditorText {
  /** The document's URI as a string: the key of its parse. */
  key: string;
  /** Absolute path of a file: document (compared with the hosts file); its key otherwise. */
  fileName: string;
  version: number;
  isDirty: boolean;
  getText(): string;
}

/** The cluster token kept in SecretStorage (storedToken.ts). */
export interface TokenSource {
  get(): string | undefined;
  /** Returns an unsubscribe function. */
  onDidChange(listener: () => void): () => void;
}
