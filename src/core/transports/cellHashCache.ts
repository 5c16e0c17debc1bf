import type * as fs from 'node:fs';
import { fail, type Result } from '../result';
import { cellHashesInWorker, type CellHashes, type LocalHashFailure } from './hashWorker';

/**
 * The hashes of local files, by file identity and grid (fileKey, cell size): a file pushed to many
 * nodes is read once (as ranges over SSH, or for rsync's and the agent's whole-file check), and the
 * pushes of one `sync --all` that start together share that one read instead of each hashing the
 * file on its own (twelve reads of the same file on two cores). A read that fails or that every
 * push dropped is forgotten.
 */

type Hashing = Promise<Result<CellHashes, LocalHashFailure>>;

/** Cell hashes a push asked for ahead of the moment it needs them, and may still decide it does not. */
export interface StartedCellHashes {
  result: Hashing;
  /** Leaves them: the push went another way (the read stops when no other push waits on it). */
  drop(): void;
}

/** A local file's identity: any change to it (a write, a replace) makes a new key. */
export function fileKey(st: Pick<fs.Stats, 'dev' | 'ino' | 'size' | 'mtimeMs'>): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
}

/**
 * The cell hashes of `file`, as `st` says it is, on the `cellBytes` grid (0: the whole file's
 * sha256 only): shared (sharedCellHashes), read on a worker.
 */
export function fileCellHashes(file: string, st: fs.Stats, cellBytes: number, signal: AbortSignal): StartedCellHashes {
  return sharedCellHashes(`${fileKey(st)}:${cellBytes}`, (s) => cellHashesInWorker(file, st.size, cellBytes, s), signal);
}

interface Entry {
  result: Hashing;
  /** Pushes still waiting on a read in flight; none left: the read stops. */
  waiting: number;
  stop: AbortController;
  done: boolean;
}

/** Files hashed lately: a push to many nodes needs one; a few more cover several files in turn. */
const KEPT = 16;
const entries = new Map<string, Entry>();

/**
 * The cell hashes of the file `key` names, shared: from the cache, joined while another push reads
 * them, or read now with `start`. `signal` cancels this push's wait (the read goes on while others
 * wait); `drop` leaves it (a push that went another way).
 */
export function sharedCellHashes(key: string, start: (signal: AbortSignal) => Hashing, signal: AbortSignal): StartedCellHashes {
  const entry = entries.get(key) ?? begin(key, start);
  entries.delete(key);
  entries.set(key, entry); // the newest last: the oldest is forgotten first
  if (entry.done) return { result: entry.result, drop: () => undefined };
  entry.waiting++;
  let left = false;
  let resolveCancelled: (r: Result<CellHashes, LocalHashFailure>) => void = () => undefined;
  const cancelled = new Promise<Result<CellHashes, LocalHashFailure>>((resolve) => (resolveCancelled = resolve));
  const leave = () => {
    if (left) return;
    left = true;
    signal.removeEventListener('abort', onAbort);
    if (--entry.waiting === 0 && !entry.done) {
      entry.stop.abort();
      if (entries.get(key) === entry) entries.delete(key);
    }
  };
  const onAbort = () => (resolveCancelled(fail('cancelled', 'hashing: cancelled')), leave());
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return { result: Promise.race([entry.result, cancelled]).finally(leave), drop: leave };
}

function begin(key: string, start: (signal: AbortSignal) => Hashing): Entry {
  const stop = new AbortController();
  const entry: Entry = { result: start(stop.signal), waiting: 0, stop, done: false };
  void entry.result.then((r) => {
    entry.done = true;
    if (!r.ok && entries.get(key) === entry) entries.delete(key);
  });
  while (entries.size >= KEPT) entries.delete(entries.keys().next().value!);
  return entry;
}

/** Forgets every file's hashes (tests and benchmarks measure a first push with it). */
export function forgetCellHashes(): void {
  entries.clear();
}
