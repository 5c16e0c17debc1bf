import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import { formatRanges, isRangeOf, type ByteRange } from '../core/byteRanges';
import { RANGED_HEADERS } from '../core/transports/http/rangedPutProtocol';
import type { AgentContext, Exchange } from './exchange';
import { header } from './exchange';
import { targetPaths, type TargetPaths } from './paths';
import type { TransferIdentity } from './rangeSidecar';
import { rangedTransferName, type LiveTransfer } from './rangedTransfers';
import { mib, sendError, sendJson } from './respond';
import { availableBytes } from './room';
import { BodyTooLong, bodyTap, byteCount, isDiskFull, receiveBody, refuseTarget, SHA256_HEX, trailerAnnounced } from './uploadChecks';

interface RangeHeaders {
  id: TransferIdentity;
  range: ByteRange;
  /** Undefined when it comes as a trailer (the client hashes while it sends). */
  rangeSha256: string | undefined;
}

/** X-Total-Size and X-Sha256 (header): the transfer a ranged request belongs to. */
export function parseIdentity(ex: Exchange): TransferIdentity | string {
  const totalSize = byteCount(ex.req, 'x-total-size');
  const sha256 = header(ex.req, 'x-sha256')?.toLowerCase();
  if (totalSize === undefined || !Number.isSafeInteger(totalSize) || totalSize === 0) return 'X-Total-Size must be the whole file\'s size in bytes (> 0)';
  if (!sha256 || !SHA256_HEX.test(sha256)) return 'a ranged upload needs the whole file\'s sha256 as the X-Sha256 header (64 hex digits)';
  return { totalSize, sha256 };
}

function parseRangeHeaders(ex: Exchange): RangeHeaders | string {
  const id = parseIdentity(ex);
  if (typeof id === 'string') return id;
  const range = { start: byteCount(ex.req, RANGED_HEADERS.rangeStart) ?? NaN, end: byteCount(ex.req, RANGED_HEADERS.rangeEnd) ?? NaN };
  if (!isRangeOf(range, id.totalSize)) return `X-Range-Start and X-Range-End must give a non-empty half-open range inside 0-${id.totalSize}`;
  const rangeSha256 = header(ex.req, RANGED_HEADERS.rangeSha256)?.toLowerCase();
  if (rangeSha256 === undefined && !trailerAnnounced(ex.req, RANGED_HEADERS.rangeSha256)) return 'X-Range-Sha256 must come as a header or as a trailer announced by \'Trailer: X-Range-Sha256\'';
  if (rangeSha256 !== undefined && !SHA256_HEX.test(rangeSha256)) return 'X-Range-Sha256 must be the range\'s sha256 as 64 hex digits';
  return { id, range, rangeSha256 };
}

/** Holds the target for `id`'s transfer during `work`; a different transfer holding it gets 409 busy. */
export async function withTransfer(ctx: AgentContext, ex: Exchange, p: TargetPaths, id: TransferIdentity, work: (live: LiveTransfer) => Promise<void>): Promise<void> {
  if (!(await ctx.uploads.claimOrTakeOver(p.target, ex.req.socket, rangedTransferName(id)))) {
    return sendError(ex.res, 409, 'busy', `another upload to ${p.rel} (a different file or a single-stream PUT) is in progress on ${ctx.config.name}; retry when it ends`);
  }
  try {
    if (await refuseTarget(ctx.config, ex.res, p)) return;
    await work(await ctx.ranged.attach(p, id));
  } finally {
    if (ctx.uploads.release(p.target, ex.req.socket) === 0) ctx.ranged.detach(p.target);
  }
}

/**
 * PUT /files/<rel> with X-Range-Start/End: writes one range of a ranged transfer at its offset in
 * the partial, verifies its sha256, makes it durable and records it in the sidecar. Ranges of one
 * transfer arrive concurrently; everything refusable (bad headers, another transfer, a range that
 * clashes, no disk) is refused before a byte is written.
 */
export async function handleRangePut(ctx: AgentContext, ex: Exchange, segments: string[]): Promise<void> {
  const p = targetPaths(ctx.config.root, segments);
  const h = parseRangeHeaders(ex);
  if (typeof h === 'string') return sendError(ex.res, 400, 'bad_headers', `PUT ${p.rel}: ${h}`);
  return withTransfer(ctx, ex, p, h.id, async (live) => {
    if (!(await admitRange(ctx, ex, p, live, h.range))) return;
    try {
      await live.prepare();
      if (ex.expectsContinue) ex.res.writeContinue();
      await receiveRange(ctx, ex, p, live, h);
    } finally {
      live.end(h.range);
    }
  });
}

/**
 * A range already held answers 202 at once; one that does not fit on disk, or overlaps one being
 * received or half of a completed one, is refused. An admitted range is marked as being received
 * in the same turn as its overlap check, so two requests can never both take the same bytes.
 */
async function admitRange(ctx: AgentContext, ex: Exchange, p: TargetPaths, live: LiveTransfer, range: ByteRange): Promise<boolean> {
  const needed = live.state.totalSize - live.doneBytes;
  const available = await availableBytes(ctx, p.dir, p.target);
  if (needed > available) {
    sendError(ex.res, 507, 'disk_full', `${ctx.config.name} has ${mib(available)} free, ${p.rel} needs ${mib(needed)} more; free space under ${ctx.config.root}`,
      { freeBytes: available, neededBytes: needed }, { 'X-Free-Bytes': available, 'X-Needed-Bytes': needed });
    return false;
  }
  if (live.clash(range) === 'in_flight') await live.cutQuiet(range);
  const clash = live.clash(range);
  if (clash === 'already_done' && live.missing().every((gap) => gap.end <= range.start || gap.start >= range.end)) {
    sendRangeDone(ex, live, range);
    return false;
  }
  if (clash) {
    const why = clash === 'in_flight' ? 'a range being received' : 'completed ranges';
    sendError(ex.res, 409, 'range_conflict', `${p.rel} bytes ${range.start}-${range.end} overlap ${why} on ${ctx.config.name}; send only missing ranges (HEAD lists them)`,
      { done: formatRanges(live.state.done) }, { [RANGED_HEADERS.done]: formatRanges(live.state.done) });
    return false;
  }
  live.begin(range, ex.req.socket);
  ctx.uploads.reserve(p.target, needed);
  return true;
}

function sendRangeDone(ex: Exchange, live: LiveTransfer, range: ByteRange): void {
  const done = formatRanges(live.state.done);
  sendJson(ex.res, 202, { rangeStart: range.start, rangeEnd: range.end, doneBytes: live.doneBytes, totalSize: live.state.totalSize, done }, { [RANGED_HEADERS.done]: done });
}

async function receiveRange(ctx: AgentContext, ex: Exchange, p: TargetPaths, live: LiveTransfer, h: RangeHeaders): Promise<void> {
  const { range } = h;
  const length = range.end - range.start;
  const hash = createHash('sha256');
  // A range at the end of the hashed prefix also feeds the whole file's hash (prefixHash.ts).
  const ahead = live.prefix.ahead(range);
  const hashes = ahead ? [hash, ahead.hash] : [hash];
  const sink = fs.createWriteStream(p.rangedPartial, { flags: 'r+', start: range.start, highWaterMark: 1 << 20 });
  const failure = await receiveBody(ex.req, ex.res, bodyTap(hashes, length, ctx.config.stallAfterBytes, ex.meter), sink);
  const what = `${p.rel} bytes ${range.start}-${range.end}`;
  if (failure instanceof BodyTooLong) return sendError(ex.res, 400, 'body_too_long', `the body for ${what} is longer than the range (${length} bytes); not recorded, send the range again`);
  if (isDiskFull(failure)) return sendError(ex.res, 507, 'disk_full', `${ctx.config.name} ran out of disk writing ${what}; completed ranges stay for resume once space is freed`);
  if (failure || ex.meter.bytes < length) await keepReceivedPrefix(live, range, sink.bytesWritten);
  if (failure) return; // the client went away: nobody to answer; completed ranges stay
  if (ex.meter.bytes < length) return sendError(ex.res, 400, 'bad_body', `the body for ${what} ended after ${ex.meter.bytes} of ${length} bytes; kept for resume, send the rest`);
  const refusal = rangeHashRefusal(h, ex.req.trailers[RANGED_HEADERS.rangeSha256]?.toLowerCase(), hash);
  if (refusal) return sendError(ex.res, refusal.status, refusal.code, `${what}: ${refusal.message}`, refusal.extra);
  await live.complete(range, ahead);
  sendRangeDone(ex, live, range);
}

/**
 * A range cut short keeps the bytes that reached the disk: the next try sends only the rest. A
 * link that resets every connection after N bytes then still moves the file, whatever the range
 * size (ranges of N bytes or more would otherwise never land). Those bytes are checked by the
 * whole file's sha256 at the commit, as a single-stream partial's are.
 */
async function keepReceivedPrefix(live: LiveTransfer, range: ByteRange, written: number): Promise<void> {
  const kept = Math.min(written, range.end - range.start);
  if (kept > 0) await live.complete({ start: range.start, end: range.start + kept });
}

function rangeHashRefusal(h: RangeHeaders, trailer: string | undefined, hash: Hash) {
  const announced = h.rangeSha256 ?? trailer;
  if (!announced || !SHA256_HEX.test(announced)) {
    return { status: 400, code: 'bad_headers' as const, message: 'the X-Range-Sha256 trailer is missing or not 64 hex digits; not recorded, send the range again', extra: {} };
  }
  const actual = hash.digest('hex');
  if (actual === announced) return undefined;
  return { status: 422, code: 'checksum_mismatch' as const, message: `received bytes hash to ${actual}, not the announced ${announced}; not recorded, send the range again`, extra: { expected: announced, actual } };
}
