import { Worker } from 'node:worker_threads';
import { fail, ok, type Result } from '../result';
import type { TreeFile } from './localTree';
import { HASH_WORKER_SOURCE } from '../transports/hashWorker';

/**
 * The sha256 of a tree's local files on one worker thread (HASH_WORKER_SOURCE), each file once for
 * all the nodes of a sync, as soon as it is named: the rsync rung names a file when rsync sends it,
 * so the hashing runs beside the transfer, not after it. Per file, a stream's fresh 1 MiB buffer
 * and its thread-pool hops on the main thread cost more than the hashing (2,000 files, 119 MiB:
 * 2.3 s there, 0.2 s here).
 */

type FileHash = Result<string, 'local_read_failed'>;

export class FilesHasher {
  private worker: Worker | undefined;
  private broken: string | undefined;
  private readonly byRel = new Map<string, Promise<FileHash>>();
  private readonly waiting = new Map<number, (r: FileHash) => void>();
  private nextId = 0;

  /** Starts hashing `f` unless it already is (a file rsync names twice is hashed once). */
  add(f: TreeFile): void {
    if (!this.byRel.has(f.rel)) this.byRel.set(f.rel, this.hash(f.abs));
  }

  /** sha256 of each file, by `rel` (those not added yet are added now); the first failure otherwise. */
  async hashes(files: TreeFile[], where: string): Promise<Result<Map<string, string>, 'local_read_failed'>> {
    files.forEach((f) => this.add(f));
    const shas = new Map<string, string>();
    for (const f of files) {
      const r = await this.byRel.get(f.rel)!;
      if (!r.ok) return fail('local_read_failed', `${where}: cannot hash ${JSON.stringify(f.rel)}: ${r.message}`);
      shas.set(f.rel, r.value);
    }
    return ok(shas);
  }

  /** Stops the worker; a hash still pending fails. */
  close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
    this.failAll('the hashing thread was stopped');
  }

  private hash(file: string): Promise<FileHash> {
    if (this.broken) return Promise.resolve(fail('local_read_failed', this.broken));
    const id = this.nextId++;
    const done = new Promise<FileHash>((resolve) => this.waiting.set(id, resolve));
    this.started().postMessage({ id, file });
    return done;
  }

  /** The worker, started on the first file: a sync that sends nothing starts none. */
  private started(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(HASH_WORKER_SOURCE, { eval: true });
    w.on('message', (m: { id: number; sha256?: string; error?: string }) => {
      const resolve = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      resolve?.(m.sha256 ? ok(m.sha256) : fail('local_read_failed', m.error ?? 'no sha256'));
    });
    w.once('error', (err) => this.failAll(`the hashing thread failed: ${err.message}`));
    w.once('exit', () => this.failAll('the hashing thread stopped early'));
    return (this.worker = w);
  }

  private failAll(why: string): void {
    this.broken ??= why;
    for (const resolve of this.waiting.values()) resolve(fail('local_read_failed', why));
    this.waiting.clear();
  }
}
