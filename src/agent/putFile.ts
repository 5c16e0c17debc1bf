import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AgentConfig } from './config';
import { diskSpace } from './disk';
import { header } from './exchange';
import { fsyncPath } from './fileWrite';
import type { Sha256Cache } from './hashCache';
import { fileSize, nearestExisting, targetPaths } from './paths';
import { mib, sendError, sendJson } from './respond';
import { BodyTooLong, bodyTap, byteCount, isDiskFull, receiveBody, refuseTarget, SHA256_HEX, trailerAnnounced } from './uploadChecks';
import type { UploadRegistry } from './uploads';

export interface PutDeps {
  config: AgentConfig;
  cache: Sha256Cache;
  uploads: UploadRegistry;
}

interface PutHeaders {
  /** Undefined when the client sends it as a trailer (`Trailer: X-Sha256`), hashing while it sends. */
  sha256: string | undefined;
  totalSize: number;
  offset: number;
}

function parsePutHeaders(req: IncomingMessage): PutHeaders | string {
  const sha256 = header(req, 'x-sha256')?.toLowerCase();
  const inTrailer = trailerAnnounced(req, 'x-sha256');
  if (sha256 === undefined && !inTrailer) return 'X-Sha256 (the whole file\'s sha256) must come as a header or as a trailer announced by \'Trailer: X-Sha256\'';
  if (sha256 !== undefined && !SHA256_HEX.test(sha256)) return 'X-Sha256 must be the whole file\'s sha256 as 64 hex digits';
  const totalSize = byteCount(req, 'x-total-size');
  const offset = byteCount(req, 'x-offset') ?? 0;
  if (totalSize === undefined || !Number.isSafeInteger(totalSize)) return 'X-Total-Size must be the whole file\'s size in bytes';
  if (!Number.isSafeInteger(offset) || offset > totalSize) return 'X-Offset must be a byte count no larger than X-Total-Size';
  return { sha256, totalSize, offset };
}

/**
 * PUT /files/<rel>: append the body to `.<name>.ringrift-partial` from X-Offset; when the file is
 * whole, verify size and sha256, fsync, and rename over the target (which stays untouched until
 * then). Every refusal (bad headers, busy, wrong offset, no disk) happens before a byte is written.
 */
export async function handlePut(
  deps: PutDeps,
  req: IncomingMessage,
  res: ServerResponse,
  segments: string[],
  expectsContinue: boolean,
  meter: { bytes: number },
): Promise<void> {
  const { config, uploads } = deps;
  const p = targetPaths(config.root, segments);
  const h = parsePutHeaders(req);
  if (typeof h === 'string') return sendError(res, 400, 'bad_headers', `PUT ${p.rel}: ${h}`);
  if (!(await uploads.claimOrTakeOver(p.target, req.socket))) {
    const partial = (await fileSize(p.partial)) ?? 0;
    return sendError(res, 409, 'busy', `another upload to ${p.rel} is in progress on ${config.name}; retry when it ends`, { partialSize: partial }, { 'X-Partial-Size': partial });
  }
  try {
    if (await refuseTarget(config, res, p)) return;

    let partialSize = (await fileSize(p.partial)) ?? 0;
    if (partialSize > h.totalSize) {
      // Longer than the file being sent: cannot be its prefix (left by another version).
      await fsp.unlink(p.partial);
      partialSize = 0;
    }
    if (h.offset !== partialSize) {
      return sendError(res, 409, 'offset_mismatch', `X-Offset ${h.offset} does not match the ${partialSize} bytes already received for ${p.rel}; resume from ${partialSize}`,
        { partialSize }, { 'X-Partial-Size': partialSize });
    }
    const needed = h.totalSize - h.offset;
    const disk = await diskSpace(await nearestExisting(p.dir), config.fakeFreeBytes);
    const available = disk.freeBytes - uploads.reservedByOthers(p.target);
    if (needed > available) {
      return sendError(res, 507, 'disk_full', `${config.name} has ${mib(Math.max(0, available))} free, ${p.rel} needs ${mib(needed)} more; free space under ${config.root}`,
        { freeBytes: Math.max(0, available), neededBytes: needed }, { 'X-Free-Bytes': Math.max(0, available), 'X-Needed-Bytes': needed });
    }
    uploads.reserve(p.target, needed);
    await fsp.mkdir(p.dir, { recursive: true });

    const hash = createHash('sha256');
    if (h.offset > 0) {
      for await (const chunk of fs.createReadStream(p.partial, { end: h.offset - 1, highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
    }
    if (expectsContinue) res.writeContinue();
    await receiveAndFinish(deps, req, res, p, h, hash, meter);
  } finally {
    uploads.release(p.target, req.socket);
  }
}

async function receiveAndFinish(
  deps: PutDeps,
  req: IncomingMessage,
  res: ServerResponse,
  p: ReturnType<typeof targetPaths>,
  h: PutHeaders,
  hash: Hash,
  meter: { bytes: number },
): Promise<void> {
  const { config } = deps;
  const needed = h.totalSize - h.offset;
  const sink = fs.createWriteStream(p.partial, { flags: h.offset > 0 ? 'a' : 'w', highWaterMark: 1 << 20 });
  const tap = bodyTap([hash], needed, config.stallAfterBytes, meter);
  const failure = await receiveBody(req, res, tap, sink);
  // What arrived is made durable, so a cut connection resumes from it.
  await fsyncPath(p.partial);
  const have = h.offset + meter.bytes;
  if (failure instanceof BodyTooLong) {
    await fsp.unlink(p.partial).catch(() => undefined);
    return sendError(res, 400, 'body_too_long', `the body for ${p.rel} is longer than X-Total-Size - X-Offset (${needed} bytes); the partial was dropped, send again from 0`);
  }
  if (isDiskFull(failure)) {
    return sendError(res, 507, 'disk_full', `${config.name} ran out of disk after ${have} bytes of ${p.rel}; the partial stays for resume once space is freed`,
      { partialSize: have }, { 'X-Partial-Size': have });
  }
  if (failure) return; // the client went away: nobody to answer, the partial stays for resume
  if (have < h.totalSize) {
    return sendJson(res, 202, { partialSize: have, totalSize: h.totalSize }, { 'X-Partial-Size': have });
  }
  const announced = h.sha256 ?? req.trailers['x-sha256']?.toLowerCase();
  if (!announced || !SHA256_HEX.test(announced)) {
    return sendError(res, 400, 'bad_headers', `PUT ${p.rel}: the X-Sha256 trailer is missing or not 64 hex digits; the ${have} bytes stay as a partial, resume with the header set`,
      { partialSize: have }, { 'X-Partial-Size': have });
  }
  const actual = hash.digest('hex');
  if (actual !== announced) {
    await fsp.unlink(p.partial).catch(() => undefined);
    return sendError(res, 422, 'checksum_mismatch', `${p.rel}: received bytes hash to ${actual}, not the announced ${announced}; the partial was dropped, send the whole file again`,
      { expected: announced, actual });
  }
  await fsp.rename(p.partial, p.target);
  // A ranged upload's leftovers of an earlier try are stale now (this PUT holds the target alone).
  await Promise.all([fsp.unlink(p.rangedPartial), fsp.unlink(p.rangesSidecar)].map((u) => u.catch(() => undefined)));
  await fsyncPath(p.dir);
  const st = await fsp.stat(p.target);
  deps.cache.set(p.target, st, actual);
  sendJson(res, 201, { size: st.size, sha256: actual });
}
