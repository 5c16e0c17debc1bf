import { Worker } from 'node:worker_threads';
import { fail, ok, type Result } from '../result';

/**
 * The hashing worker's program, inline so the bundle needs no extra file: it reads each file it is
 * sent on its own (the page cache serves both readers) and hashes it on another core while the
 * main thread sends. A job `{ id, file, size?, cellBytes? }` gets `{ id, sha256, cells }` or
 * `{ id, error }`: with `size`, exactly that many bytes (a file that changed size fails); with
 * `cellBytes`, also each cell [k*cellBytes, (k+1)*cellBytes) in the same pass (the SSH rungs'
 * ranges, whose sha256 each range's command on the node checks). One worker takes one job (a
 * push's file, stopped by terminating it) or many (the tree's files as rsync names them).
 */
export const HASH_WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
// Blocking reads into one reused buffer: this thread does nothing else, and a stream would leave
// a fresh 1 MiB buffer of garbage per read (tens of MiB of RSS before its heap collects them).
const buf = Buffer.allocUnsafe(1 << 20);
function hashFile({ file, size, cellBytes }) {
  const hash = createHash('sha256');
  const cells = [];
  let cell = cellBytes ? createHash('sha256') : undefined;
  const fd = fs.openSync(file, 'r');
  try {
    let read = 0;
    for (;;) {
      // A read never crosses a cell's end, so each cell's hash gets exactly its bytes.
      const cellLeft = cellBytes ? cellBytes - (read % cellBytes) : buf.length;
      const want = Math.min(buf.length, cellLeft, size === undefined ? buf.length : size - read);
      const n = want > 0 ? fs.readSync(fd, buf, 0, want, read) : 0;
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      read += n;
      if (cell) {
        cell.update(buf.subarray(0, n));
        if (read % cellBytes === 0 || read === size) {
          cells.push(cell.digest('hex'));
          cell = createHash('sha256');
        }
      }
    }
    return size === undefined || read === size ? { sha256: hash.digest('hex'), cells } : { error: 'changed size while being hashed' };
  } finally {
    fs.closeSync(fd);
  }
}
parentPort.on('message', (job) => {
  let reply;
  try {
    reply = hashFile(job);
  } catch (e) {
    reply = { error: e.message };
  }
  parentPort.postMessage({ id: job.id, ...reply });
});
`;

/** Why hashing a local file gave no sha256 (here and in rsyncVerify's localSha256). */
export type LocalHashFailure = 'local_read_failed' | 'cancelled';

/** The whole file's sha256, and each cell's in order (the last cell may be short). */
export interface CellHashes {
  sha256: string;
  cells: string[];
}

/** sha256 of the first `size` bytes of `file`, computed on a worker thread; cancelled by `signal`. */
export async function sha256InWorker(file: string, size: number, signal: AbortSignal): Promise<Result<string, LocalHashFailure>> {
  const r = await hashInWorker(file, size, 0, signal);
  return r.ok ? ok(r.value.sha256) : r;
}

/** As sha256InWorker, plus the sha256 of every `cellBytes` cell of the file, in one read. */
export function cellHashesInWorker(file: string, size: number, cellBytes: number, signal: AbortSignal): Promise<Result<CellHashes, LocalHashFailure>> {
  return hashInWorker(file, size, cellBytes, signal);
}

function hashInWorker(file: string, size: number, cellBytes: number, signal: AbortSignal): Promise<Result<CellHashes, LocalHashFailure>> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(fail('cancelled', `hashing ${file}: cancelled`));
    const worker = new Worker(HASH_WORKER_SOURCE, { eval: true });
    worker.postMessage({ id: 0, file, size, cellBytes });
    let settled = false;
    const finish = (r: Result<CellHashes, LocalHashFailure>) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      resolve(r);
    };
    const onAbort = () => finish(fail('cancelled', `hashing ${file}: cancelled`));
    signal.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (m: { sha256?: string; cells?: string[]; error?: string }) =>
      finish(m.sha256 ? ok({ sha256: m.sha256, cells: m.cells ?? [] }) : fail('local_read_failed', `cannot read ${file}: ${m.error}`)),
    );
    worker.once('error', (err) => finish(fail('local_read_failed', `hashing ${file} failed: ${err.message}`)));
    worker.once('exit', () => finish(fail('local_read_failed', `hashing ${file}: the hashing thread stopped early`)));
  });
}
