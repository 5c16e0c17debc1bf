import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describeError, fail, ok, type Result } from '../core/result';
import { PARTIAL_SUFFIX, type TargetPaths } from './paths';

export async function fsyncPath(p: string): Promise<void> {
  // A read-only fd is enough: fsync flushes the file (or directory entry), not the descriptor.
  const fh = await fsp.open(p, 'r').catch(() => undefined);
  await fh?.sync().catch(() => undefined);
  await fh?.close();
}

/**
 * A one-shot temporary beside the target for writes that cannot resume (a form upload, a pull):
 * `.<name>.<kind>-<random>.ringrift-partial`. Unique, so it never meets the resumable PUT partial
 * (which HEAD reports and PUT resumes from) nor another writer; the reserved suffix keeps it out
 * of reach of /files/ requests.
 */
export function oneShotTemp(p: TargetPaths, kind: 'upload' | 'pull'): string {
  return path.join(p.dir, `.${path.basename(p.target)}.${kind}-${randomBytes(6).toString('hex')}${PARTIAL_SUFFIX}`);
}

export interface Staged {
  temp: string;
  size: number;
  sha256: string;
}

export type StageCode = 'disk_full' | 'write_failed';

/**
 * Streams `source` into `temp` (created new), hashing and counting on the way, then fsyncs it. On
 * any failure the temporary is removed, so nothing half-written is left behind.
 */
export async function stageStream(source: Readable, temp: string, meter: { bytes: number }): Promise<Result<Staged, StageCode>> {
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      size += chunk.length;
      meter.bytes += chunk.length;
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(source, tap, fs.createWriteStream(temp, { flags: 'wx', highWaterMark: 1 << 20 }));
    await fsyncPath(temp);
    return ok({ temp, size, sha256: hash.digest('hex') });
  } catch (err) {
    await fsp.unlink(temp).catch(() => undefined);
    const errno = (err as NodeJS.ErrnoException).code;
    const code: StageCode = errno === 'ENOSPC' || errno === 'EDQUOT' ? 'disk_full' : 'write_failed';
    return fail(code, `${describeError(err)} after ${size} bytes`);
  }
}

/** Renames the staged file over the target (untouched until then) and makes the rename durable. */
export async function commitStaged(staged: Staged, p: TargetPaths): Promise<fs.Stats> {
  await fsp.rename(staged.temp, p.target);
  await fsyncPath(p.dir);
  return fsp.stat(p.target);
}
