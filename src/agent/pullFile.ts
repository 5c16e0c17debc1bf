import { randomUUID } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { fail, ok, type Result } from '../core/result';
import type { AgentContext } from './exchange';
import { commitStaged, oneShotTemp, stageStream, type StageCode } from './fileWrite';
import { staysInsideRoot, targetPaths, type TargetPaths } from './paths';
import { openSource, type PullSource } from './pullSource';
import { availableBytes, noRoomMessage } from './room';

export type PullCode = 'bad_path' | 'is_directory' | 'source_failed' | 'checksum_mismatch' | StageCode;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Fetches one entry from the source into ROOT/data/<entry>: a one-shot temporary beside the
 * target, fsynced, checked against the source's X-Sha256 when it sends one, renamed into place.
 * Resolves with the bytes stored; on failure nothing is left but the old file.
 */
export async function pullFile(ctx: AgentContext, src: PullSource, file: { entry: string; segments: string[] }, signal: AbortSignal): Promise<Result<number, PullCode>> {
  const { root } = ctx.config;
  const p = targetPaths(root, file.segments);
  if (!(await staysInsideRoot(root, p.dir))) return fail('bad_path', `${p.rel} leads outside the agent root through a symlink; refused`);
  if ((await fsp.lstat(p.target).catch(() => undefined))?.isDirectory()) return fail('is_directory', `${p.rel} is a directory on ${ctx.config.name}`);
  const opened = await openSource(src, file.entry, signal);
  if (!opened.ok) return opened;
  const key = `pull:${randomUUID()}`;
  ctx.uploads.claim(key);
  try {
    return await receive(ctx, p, opened.value, key);
  } finally {
    ctx.uploads.release(key);
    opened.value.destroy();
  }
}

async function receive(ctx: AgentContext, p: TargetPaths, res: IncomingMessage, key: string): Promise<Result<number, PullCode>> {
  const length = Number(res.headers['content-length'] ?? NaN);
  if (Number.isSafeInteger(length)) {
    const available = await availableBytes(ctx, p.dir, key);
    if (length > available) return fail('disk_full', noRoomMessage(ctx, `${p.rel} (${length} bytes)`, available, length));
    ctx.uploads.reserve(key, length);
  }
  await fsp.mkdir(p.dir, { recursive: true });
  const staged = await stageStream(res, oneShotTemp(p, 'pull'), { bytes: 0 });
  if (!staged.ok) return fail(staged.code, `writing ${p.rel}: ${staged.message}`);
  const announced = String(res.headers['x-sha256'] ?? '').toLowerCase();
  if (SHA256_HEX.test(announced) && announced !== staged.value.sha256) {
    await fsp.unlink(staged.value.temp).catch(() => undefined);
    return fail('checksum_mismatch', `${p.rel}: received bytes hash to ${staged.value.sha256}, the source announced ${announced}; dropped`);
  }
  const st = await commitStaged(staged.value, p);
  ctx.cache.set(p.target, st, staged.value.sha256);
  return ok(st.size);
}
