import * as fsp from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import type { Sha256Cache } from './hashCache';
import { fileSize, staysInsideRoot, targetPaths } from './paths';
import { sendHead } from './respond';

/**
 * HEAD /files/<rel>: 200 with X-Size and X-Sha256 when a regular file is there, else 404; either
 * way X-Partial-Size when an unfinished upload waits, so the client knows where to resume.
 */
export async function handleHead(root: string, cache: Sha256Cache, res: ServerResponse, segments: string[]): Promise<void> {
  const p = targetPaths(root, segments);
  if (!(await staysInsideRoot(root, p.dir))) return sendHead(res, 400, {});
  const partial = await fileSize(p.partial);
  const headers: Record<string, number | string> = partial === undefined ? {} : { 'X-Partial-Size': partial };
  const st = await fsp.lstat(p.target).catch(() => undefined);
  if (!st?.isFile()) return sendHead(res, 404, headers);
  const sha256 = await cache.get(p.target, st);
  sendHead(res, 200, { ...headers, 'X-Size': st.size, 'X-Sha256': sha256 });
}
