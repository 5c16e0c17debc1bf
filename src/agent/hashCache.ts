import { createHash } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';

/** sha256 of a whole file, streamed in large reads. */
export async function sha256OfFile(p: string, end?: number): Promise<string> {
  const hash = createHash('sha256');
  if (end === 0) return hash.digest('hex');
  for await (const chunk of createReadStream(p, { highWaterMark: 1 << 20, end: end === undefined ? undefined : end - 1 })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

interface Entry {
  size: number;
  mtimeMs: number;
  ino: number;
  sha256: string;
}

const MAX_ENTRIES = 10000;

/**
 * Remembers each file's sha256 by (path, size, mtime, inode) so repeated HEADs of a big file do not
 * re-read it; concurrent HEADs of the same file share one computation.
 */
export class Sha256Cache {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<string>>();

  async get(p: string, st: Stats): Promise<string> {
    const hit = this.entries.get(p);
    if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs && hit.ino === st.ino) return hit.sha256;
    const key = `${p}\0${st.size}\0${st.mtimeMs}\0${st.ino}`;
    let job = this.pending.get(key);
    if (!job) {
      job = sha256OfFile(p).finally(() => this.pending.delete(key));
      this.pending.set(key, job);
    }
    const sha256 = await job;
    this.set(p, st, sha256);
    return sha256;
  }

  /** Records a hash the agent already knows (it verified the upload it just renamed into place). */
  set(p: string, st: Stats, sha256: string): void {
    this.entries.delete(p);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(p, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, sha256 });
  }
}
