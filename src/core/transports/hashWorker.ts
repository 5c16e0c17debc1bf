import { Worker } from 'node:worker_threads';
import { fail, ok, type Result } from '../result';

/**
 * The worker's program, inline so the bundle needs no extra file. It reads the file on its own
 * (the page cache serves both readers) and hashes it on another core while the main thread sends.
 * With `cellBytes`, it also hashes each cell [k*cellBytes, (k+1)*cellBytes) in the same pass: the
 * base64 rung's ranges, whose sha256 each range's command on the node checks.
 */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
// Blocking reads into one reused buffer: this thread does nothing else, and a stream would leave
// a fresh 1 MiB buffer of garbage per read (tens of MiB of RSS before its heap collects them).
const hash = createHash('sha256');
const cellBytes = workerData.cellBytes;
const cells = [];
let cell = cellBytes ? createHash('sha256') : undefined;
const buf = Buffer.allocUnsafe(1 << 20);
let fd;
try {
  fd = fs.openSync(workerData.file, 'r');
  let read = 0;
  while (read < workerData.size) {
    // A read never crosses a cell's end, so each cell's hash gets exactly its bytes.
    const cellLeft = cellBytes ? cellBytes - (read % cellBytes) : buf.length;
    const n = fs.readSync(fd, buf, 0, Math.min(buf.length, cellLeft, workerData.size - read), read);
    if (n === 0) break;
    hash.update(buf.subarray(0, n));
    read += n;
    if (cell) {
      cell.update(buf.subarray(0, n));
      if (read % cellBytes === 0 || read === workerData.size) {
        cells.push(cell.digest('hex'));
        cell = createHash('sha256');
      }
    }
  }
  parentPort.postMessage(read === workerData.size ? { sha256: hash.digest('hex'), cells } : { error: 'changed size while being hashed' });
} catch (e) {
  parentPort.postMessage({ error: e.message });
} finally {
  if (fd !== undefined) fs.closeSync(fd);
}
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
    const worker = new Worker(SOURCE, { eval: true, workerData: { file, size, cellBytes } });
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
