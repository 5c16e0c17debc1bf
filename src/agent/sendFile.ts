import * as fsp from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AgentContext, Exchange } from './exchange';
import { staysInsideRoot, targetPaths } from './paths';
import { parseRange } from './range';
import { sendError } from './respond';

export interface SendOptions {
  /** Add `X-Sha256` (from the hash cache): lets a puller verify what it received. */
  sha256Header: boolean;
}

/**
 * Streams the regular file at `segments` under the root: 200 with the whole file, or 206 for one
 * `Range`, 416 for a range past the end. The size comes from the open descriptor, so a file
 * replaced meanwhile is sent whole as it was opened, never mixed.
 */
export async function sendFile(ctx: AgentContext, ex: Exchange, segments: string[], opts: SendOptions): Promise<void> {
  const { root } = ctx.config;
  const p = targetPaths(root, segments);
  if (!(await staysInsideRoot(root, p.dir))) return sendError(ex.res, 400, 'bad_path', `${p.rel} leads outside the agent root through a symlink; refused`);
  const st = await fsp.lstat(p.target).catch(() => undefined);
  if (!st?.isFile()) return sendError(ex.res, 404, 'not_found', `File not found: ${p.rel} (on ${ctx.config.name})`);
  const fh = await fsp.open(p.target, 'r');
  try {
    const opened = await fh.stat();
    const size = opened.size;
    const ask = parseRange(ex.req.headers.range, size);
    if (ask.kind === 'unsatisfiable') {
      return sendError(ex.res, 416, 'bad_range', `${ex.req.headers.range} lies outside ${p.rel} (${size} bytes)`, { size }, { 'Content-Range': `bytes */${size}` });
    }
    const [start, end] = ask.kind === 'part' ? [ask.start, ask.end] : [0, size - 1];
    const headers: Record<string, string | number> = { 'Content-Type': 'application/octet-stream', 'Content-Length': end - start + 1, 'Accept-Ranges': 'bytes' };
    if (ask.kind === 'part') headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    if (opts.sha256Header) headers['X-Sha256'] = await ctx.cache.get(p.target, opened);
    ex.res.writeHead(ask.kind === 'part' ? 206 : 200, headers);
    if (size === 0) return void ex.res.end();
    // A client that leaves mid-file ends the pipeline; there is nobody left to answer.
    await pipeline(fh.createReadStream({ start, end, highWaterMark: 1 << 20, autoClose: false }), counter(ex.meter), ex.res).catch(() => undefined);
  } finally {
    await fh.close();
  }
}

function counter(meter: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      meter.bytes += chunk.length;
      done(null, chunk);
    },
  });
}
