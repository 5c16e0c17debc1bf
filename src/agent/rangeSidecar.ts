import * as fsp from 'node:fs/promises';
import { isRangeOf, mergeRanges, type ByteRange } from '../core/byteRanges';
import { fail, ok, type Result } from '../core/result';
import { fsyncPath } from './fileWrite';
import { RANGES_SUFFIX } from './paths';

/** Which file a ranged partial is being filled with: ranges of another file never mix into it. */
export interface TransferIdentity {
  totalSize: number;
  sha256: string;
}

/** What the sidecar records: the transfer, and its ranges that are durable and verified. */
export interface RangedState extends TransferIdentity {
  done: ByteRange[];
}

/** Why a sidecar gave no state; each means "no ranges kept", the next range PUT starts afresh. */
export type SidecarProblem = 'absent' | 'unreadable' | 'bad_json' | 'bad_shape';

const SIDECAR_VERSION = 1;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Parses a sidecar's text. Pure. */
export function parseSidecar(text: string): Result<RangedState, 'bad_json' | 'bad_shape'> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return fail('bad_json', 'the ranges sidecar is not JSON');
  }
  const j = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  const totalSize = j.totalSize;
  if (j.version !== SIDECAR_VERSION || typeof totalSize !== 'number' || !Number.isSafeInteger(totalSize) || totalSize < 0) {
    return fail('bad_shape', `the ranges sidecar lacks version ${SIDECAR_VERSION} or a totalSize`);
  }
  if (typeof j.sha256 !== 'string' || !SHA256_HEX.test(j.sha256)) return fail('bad_shape', 'the ranges sidecar lacks the file\'s sha256');
  if (!Array.isArray(j.done)) return fail('bad_shape', 'the ranges sidecar lacks its done ranges');
  const done: ByteRange[] = [];
  for (const pair of j.done as unknown[]) {
    const r = Array.isArray(pair) && pair.length === 2 ? { start: Number(pair[0]), end: Number(pair[1]) } : undefined;
    if (!r || !isRangeOf(r, totalSize)) return fail('bad_shape', `the ranges sidecar holds a range outside 0-${totalSize}: ${JSON.stringify(pair)}`);
    done.push(r);
  }
  return ok({ totalSize, sha256: j.sha256, done: mergeRanges(done) });
}

export function formatSidecar(state: RangedState): string {
  return JSON.stringify({ version: SIDECAR_VERSION, totalSize: state.totalSize, sha256: state.sha256, done: mergeRanges(state.done).map((r) => [r.start, r.end]) });
}

export async function readSidecar(file: string): Promise<Result<RangedState, SidecarProblem>> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    const absent = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return fail(absent ? 'absent' : 'unreadable', `cannot read ${file}: ${(err as Error).message}`);
  }
  return parseSidecar(text);
}

/**
 * Replaces the sidecar atomically (a temporary beside it, fsynced, renamed over it): a crash leaves
 * the old record or the new one, never half of one.
 */
export async function writeSidecar(file: string, state: RangedState): Promise<void> {
  // Ends in the reserved suffix too, so no /files/ request can reach it.
  const temp = `${file.slice(0, -RANGES_SUFFIX.length)}.new${RANGES_SUFFIX}`;
  await fsp.writeFile(temp, formatSidecar(state));
  await fsyncPath(temp);
  await fsp.rename(temp, file);
}
