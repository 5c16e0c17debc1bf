import * as fsp from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { formatRanges } from '../core/byteRanges';
import { RANGED_HEADERS } from '../core/transports/http/rangedPutProtocol';
import type { AgentContext, Exchange } from './exchange';
import { fsyncPath } from './fileWrite';
import { sha256OfFile } from './hashCache';
import { targetPaths, type TargetPaths } from './paths';
import { parseIdentity, withTransfer } from './putRange';
import type { LiveTransfer } from './rangedTransfers';
import { sendError, sendJson } from './respond';

/**
 * PUT /files/<rel> with `X-Ranged-Commit: 1`: when every range of the transfer is there and the
 * whole partial hashes to X-Sha256, fsyncs it and renames it over the target (untouched until
 * then): 201 {size, sha256}. Ranges missing: 409 `ranges_missing`, nothing changes. A wrong hash:
 * 422, the partial and its sidecar are dropped (the ranges were not this file's).
 */
export async function handleRangedCommit(ctx: AgentContext, ex: Exchange, segments: string[]): Promise<void> {
  const p = targetPaths(ctx.config.root, segments);
  const id = parseIdentity(ex);
  if (typeof id === 'string') return sendError(ex.res, 400, 'bad_headers', `PUT ${p.rel} (commit): ${id}`);
  return withTransfer(ctx, ex, p, id, async (live) => {
    const missing = live.missing();
    if (missing.length > 0) {
      const done = formatRanges(live.state.done);
      return sendError(ex.res, 409, 'ranges_missing', `${p.rel} on ${ctx.config.name} still lacks bytes ${formatRanges(missing)}; send them, then commit`,
        { done, doneBytes: live.doneBytes, totalSize: live.state.totalSize }, { [RANGED_HEADERS.done]: done });
    }
    if (live.committing) return sendError(ex.res, 409, 'busy', `${p.rel} is being committed on ${ctx.config.name} by another request`);
    live.committing = true;
    try {
      await commit(ctx, ex.res, p, live);
    } finally {
      live.committing = false;
    }
  });
}

async function commit(ctx: AgentContext, res: ServerResponse, p: TargetPaths, live: LiveTransfer): Promise<void> {
  const expected = live.state.sha256;
  // Mostly hashed while the ranges came (prefixHash.ts); read again only when it could not be.
  const actual = (await live.prefix.digest(live.state.totalSize)) ?? (await sha256OfFile(p.rangedPartial));
  if (actual !== expected) {
    await live.drop();
    return sendError(res, 422, 'checksum_mismatch', `${p.rel}: the assembled ranges hash to ${actual}, not the announced ${expected}; the partial was dropped, send the file again`,
      { expected, actual });
  }
  await fsyncPath(p.rangedPartial);
  await fsp.rename(p.rangedPartial, p.target);
  await live.drop(); // the sidecar: its partial is the target now
  // A single-stream partial left by an earlier try is no prefix of anything wanted now (this
  // transfer holds the target, so no single-stream PUT is writing it).
  await fsp.unlink(p.partial).catch(() => undefined);
  await fsyncPath(p.dir);
  const st = await fsp.stat(p.target);
  ctx.cache.set(p.target, st, actual);
  sendJson(res, 201, { size: st.size, sha256: actual });
}
