import * as fsp from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { formatRanges } from '../core/byteRanges';
import { RANGED_HEADERS } from '../core/transports/http/rangedPutProtocol';
import type { AgentContext } from './exchange';
import { fileSize, staysInsideRoot, targetPaths, type TargetPaths } from './paths';
import { sendHead } from './respond';

/**
 * HEAD /files/<rel>: 200 with X-Size and X-Sha256 when a regular file is there, else 404; either
 * way X-Partial-Size when an unfinished upload waits, so the client knows where to resume, and
 * the X-Ranged-* headers when a ranged upload waits (which of its ranges are complete).
 */
export async function handleHead(ctx: AgentContext, res: ServerResponse, segments: string[]): Promise<void> {
  const { root } = ctx.config;
  const p = targetPaths(root, segments);
  if (!(await staysInsideRoot(root, p.dir))) return sendHead(res, 400, {});
  const partial = await fileSize(p.partial);
  const headers: Record<string, number | string> = { ...(partial === undefined ? {} : { 'X-Partial-Size': partial }), ...(await rangedHeaders(ctx, p)) };
  const st = await fsp.lstat(p.target).catch(() => undefined);
  if (!st?.isFile()) return sendHead(res, 404, headers);
  const sha256 = await ctx.cache.get(p.target, st);
  sendHead(res, 200, { ...headers, 'X-Size': st.size, 'X-Sha256': sha256 }, st.size);
}

async function rangedHeaders(ctx: AgentContext, p: TargetPaths): Promise<Record<string, number | string>> {
  const waiting = await ctx.ranged.snapshot(p);
  if (!waiting) return {};
  return { [RANGED_HEADERS.totalSize]: waiting.totalSize, [RANGED_HEADERS.sha256]: waiting.sha256, [RANGED_HEADERS.done]: formatRanges(waiting.done) };
}
