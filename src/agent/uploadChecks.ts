import type { Hash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform, type TransformCallback, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AgentConfig } from './config';
import type { TargetPaths } from './paths';
import { staysInsideRoot } from './paths';
import { sendError } from './respond';

export const SHA256_HEX = /^[0-9a-f]{64}$/;

export class BodyTooLong extends Error {}

/**
 * Counts and hashes (into each of `hashes`) body bytes on their way to the partial and refuses bytes beyond the declared
 * size. The test-only stall fault stores the first `stallAt` bytes, drops the rest and never
 * answers (an agent wedged mid-upload); it keeps reading the socket so a client that leaves is seen.
 */
export function bodyTap(hashes: readonly Hash[], limit: number, stallAt: number | undefined, meter: { bytes: number }): Transform {
  const stalled = () => stallAt !== undefined && meter.bytes >= stallAt;
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      if (stalled()) return done();
      if (meter.bytes + chunk.length > limit) return done(new BodyTooLong());
      const part = stallAt === undefined ? chunk : chunk.subarray(0, stallAt - meter.bytes);
      meter.bytes += part.length;
      for (const hash of hashes) hash.update(part);
      done(null, part);
    },
    flush(done: TransformCallback) {
      if (!stalled()) done();
    },
  });
}

/**
 * Refuses a target no upload may write (a symlinked directory leading out of the root, a
 * directory at the file's name): answers and returns true; false when the target is fine.
 */
export async function refuseTarget(config: AgentConfig, res: ServerResponse, p: TargetPaths): Promise<boolean> {
  if (!(await staysInsideRoot(config.root, p.dir))) {
    sendError(res, 400, 'bad_path', `${p.rel} leads outside the agent root through a symlink; refused`);
    return true;
  }
  const existing = await fsp.lstat(p.target).catch(() => undefined);
  if (existing?.isDirectory()) {
    sendError(res, 409, 'is_directory', `${p.rel} is a directory on ${config.name}; choose a file name`);
    return true;
  }
  return false;
}

/**
 * Pipes the request body through `tap` into `sink` (a file stream) and waits until the sink's fd
 * is closed (after its last write), so the caller may fsync. Returns what cut it short, if anything.
 */
export async function receiveBody(req: IncomingMessage, res: ServerResponse, tap: Transform, sink: Writable & { closed: boolean }): Promise<unknown> {
  // The response closes before we answer only when the connection is gone. The request stream
  // may not say so (its body can be fully read into our buffers already), so stop here too.
  const onClose = () => tap.destroy(Object.assign(new Error('client went away'), { code: 'ECONNRESET' }));
  res.once('close', onClose);
  let failure: unknown;
  try {
    await pipeline(req, tap, sink);
  } catch (err) {
    failure = err;
  } finally {
    res.off('close', onClose);
  }
  if (!sink.closed) await new Promise<void>((resolve) => sink.once('close', () => resolve()));
  return failure;
}

/** ENOSPC and EDQUOT: the disk filled while writing. */
export function isDiskFull(failure: unknown): boolean {
  const errno = (failure as NodeJS.ErrnoException | undefined)?.code;
  return errno === 'ENOSPC' || errno === 'EDQUOT';
}

/** A byte count header: undefined when absent, NaN when not a whole number. */
export function byteCount(req: IncomingMessage, name: string): number | undefined {
  const raw = req.headers[name];
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (v === undefined) return undefined;
  return /^\d+$/.test(v.trim()) ? Number(v) : NaN;
}

/** Whether the request announces `name` (lower-case) as a trailer (`Trailer: X-Sha256`). */
export function trailerAnnounced(req: IncomingMessage, name: string): boolean {
  const raw = req.headers.trailer;
  return (Array.isArray(raw) ? raw.join(',') : raw ?? '').split(',').some((t) => t.trim().toLowerCase() === name);
}
