import type * as fs from 'node:fs';
import { stat } from 'node:fs/promises';
import { describeError, fail, ok, type Result } from '../result';
import { cellHashesInWorker, type CellHashes, type LocalHashFailure } from './hashWorker';

/**
 * The hashes of local files, by file identity and grid (fileKey, cell size): a file pushed to many
 * nodes is hashed once, on any transport: read on a worker (as ranges over SSH, or for rsync's and
 * the agents' whole-file check), or hashed while it was sent and remembered (rememberSha). The
 * pushes of one `sync --all` that start together share one read instead of each hashing the file
 * on its own (twelve reads of the same file on two cores). A read that fails or that every push
 * dropped is forgotten.
 */

type Hashing = Promise<Result<CellHashes, LocalHashFailure>>;

/** Cell hashes a push asked for ahead of the moment it needs them, and may still decide it does not. */
export interface StartedCellHashes {
  result: Hashing;
  /** Leaves them: the push went another way (the read stops when no other push waits on it). */
  drop(): void;
  /** Whether the read is done (or was, before this push asked). */
  ready(): boolean;
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
  return sharedCellHashes(entryKey(fileKey(st), cellBytes), (s) => cellHashesInWorker(file, st.size, cellBytes, s), signal);
}

/** A local file's sha256, as `st` says it is: fileCellHashes with no cells. */
export async function fileSha256(file: string, st: fs.Stats, signal: AbortSignal): Promise<Result<string, LocalHashFailure>> {
  const r = await fileCellHashes(file, st, 0, signal).result;
  return r.ok ? ok(r.value.sha256) : r;
}

/** fileSha256 for a caller that has not stat()ed the file. */
export async function localSha256(file: string, signal: AbortSignal): Promise<Result<string, LocalHashFailure>> {
  let st: fs.Stats;
  try {
    st = await stat(file);
  } catch (err) {
    return fail('local_read_failed', `cannot read ${file}: ${describeError(err)}`);
  }
  return fileSha256(file, st, signal);
}

/** A file's hashes on one grid (0: the whole file's sha256 alone). */
const cacheKey = (fileKeyOf: string, cellBytes: number) => `${fileKeyOf}:${cellBytes}`;
/** Every grid's key of one file starts with this. */
const filePrefix = (fileKeyOf: string) => `${fileKeyOf}:`;

/**
 * Where the hashes on `cellBytes` of a file are kept: under their own key; for the whole sha256
 * alone (0), a read of the file on any grid (kept or in flight) has it too, and serves.
 */
function entryKey(fileKeyOf: string, cellBytes: number): string {
  const own = cacheKey(fileKeyOf, cellBytes);
  if (cellBytes !== 0 || entries.has(own)) return own;
  return [...entries.keys()].find((k) => k.startsWith(filePrefix(fileKeyOf))) ?? own;
}

interface Entry {
  result: Hashing;
  /** The hashes, once read (or remembered). */
  hashes?: CellHashes;
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
  keep(key, entry);
  if (entry.done) return { result: entry.result, drop: () => undefined, ready: () => true };
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
  return { result: Promise.race([entry.result, cancelled]).finally(leave), drop: leave, ready: () => entry.done };
}

function begin(key: string, start: (signal: AbortSignal) => Hashing): Entry {
  const stop = new AbortController();
  const entry: Entry = { result: start(stop.signal), waiting: 0, stop, done: false };
  void entry.result.then((r) => {
    entry.done = true;
    if (r.ok) entry.hashes = r.value;
    else if (entries.get(key) === entry) entries.delete(key);
  });
  return entry;
}

/** Puts `entry` under `key` as the newest: beyond KEPT, the oldest are forgotten first. */
function keep(key: string, entry: Entry): void {
  entries.delete(key);
  entries.set(key, entry);
  while (entries.size > KEPT) entries.delete(entries.keys().next().value!);
}

/**
 * A file's sha256 learnt without a read of our own (hashed while it was sent, or as a small file
 * was read whole): later pushes of the file, on any transport, take it from the cache.
 */
export function rememberSha(key: string, sha256: string): void {
  const hashes = { sha256, cells: [] };
  keep(cacheKey(key, 0), { result: Promise.resolve(ok(hashes)), hashes, waiting: 0, stop: new AbortController(), done: true });
}

/** The file's sha256 when a read of it (on any grid) finished or a push remembered it; undefined while unknown or in flight. */
export function recallSha(key: string): string | undefined {
  return entries.get(entryKey(key, 0))?.hashes?.sha256;
}

/** Drops a file's hashes on every grid (a node found its sha256 wrong: the next push hashes afresh). */
export function forgetSha(key: string): void {
  for (const k of [...entries.keys()]) if (k.startsWith(filePrefix(key))) entries.delete(k);
}

/** Forgets every file's hashes (tests and benchmarks measure a first push with it). */
export function forgetCellHashes(): void {
  entries.clear();
}
