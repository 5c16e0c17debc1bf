import { Worker } from 'node:worker_threads';
import { fail, ok, type Result } from '../result';

/**
 * The worker's program, inline so the bundle needs no extra file. It reads the file on its own
 * (the page cache serves both readers) and hashes it on another core while the main thread sends.
 */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
// Blocking reads into one reused buffer: this thread does nothing else, and a stream would leave
// a fresh 1 MiB buffer of garbage per read (tens of MiB of RSS before its heap collects them).
const hash = createHash('sha256');
const buf = Buffer.allocUnsafe(1 << 20);
let fd;
try {
  fd = fs.openSync(workerData.file, 'r');
  let read = 0;
  while (read < workerData.size) {
    const n = fs.readSync(fd, buf, 0, Math.min(buf.length, workerData.size - read), read);
    if (n === 0) break;
    hash.update(buf.subarray(0, n));
    read += n;
  }
  parentPort.postMessage(read === workerData.size ? { sha256: hash.digest('hex') } : { error: 'changed size while being hashed' });
} catch (e) {
  parentPort.postMessage({ error: e.message });
} finally {
  if (fd !== undefined) fs.closeSync(fd);
}
`;

/** Why hashing a local file gave no sha256 (here and in rsyncVerify's localSha256). */
export type LocalHashFailure = 'local_read_failed' | 'cancelled';

/** sha256 of the first `size` bytes of `file`, computed on a worker thread; cancelled by `signal`. */
export function sha256InWorker(file: string, size: number, signal: AbortSignal): Promise<Result<string, LocalHashFailure>> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(fail('cancelled', `hashing ${file}: cancelled`));
    const worker = new Worker(SOURCE, { eval: true, workerData: { file, size } });
    let settled = false;
    const finish = (r: Result<string, LocalHashFailure>) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      resolve(r);
    };
    const onAbort = () => finish(fail('cancelled', `hashing ${file}: cancelled`));
    signal.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (m: { sha256?: string; error?: string }) =>
      finish(m.sha256 ? ok(m.sha256) : fail('local_read_failed', `cannot read ${file}: ${m.error}`)),
    );
    worker.once('error', (err) => finish(fail('local_read_failed', `hashing ${file} failed: ${err.message}`)));
    worker.once('exit', () => finish(fail('local_read_failed', `hashing ${file}: the hashing thread stopped early`)));
  });
}
