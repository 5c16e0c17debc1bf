import * as fsp from 'node:fs/promises';
import type { AgentContext, Exchange } from './exchange';
import { TREE_DIR, treeSegments, type FileTree } from './orchestratorPaths';
import { staysInsideRoot, targetPaths } from './paths';
import { sendError, sendJson } from './respond';

const TREES: readonly FileTree[] = ['data', 'model'];

/**
 * GET /files/info?path=<rel>&type=data|model: size, mtime and sha256 of ROOT/data/<rel> or
 * ROOT/models/<rel>. `type` defaults to model, as on the orchestrator. Its `url` is one that
 * works here (the orchestrator's says "/files/datas/..."); segments are percent-encoded.
 */
export async function handleFileInfo(ctx: AgentContext, ex: Exchange): Promise<void> {
  const rel = ex.query.get('path');
  const type = ex.query.get('type') ?? 'model';
  if (!rel) return sendError(ex.res, 400, 'bad_query', 'GET /files/info needs ?path=<file relative to the data or models dir>');
  if (!TREES.includes(type as FileTree)) return sendError(ex.res, 400, 'bad_query', `GET /files/info type '${type}': takes 'data' or 'model'`);
  const tree = type as FileTree;
  const segs = treeSegments(tree, rel);
  if (!segs.ok) return sendError(ex.res, 400, 'bad_path', `GET /files/info path '${rel}': ${segs.message}`);
  const p = targetPaths(ctx.config.root, segs.value);
  if (!(await staysInsideRoot(ctx.config.root, p.dir))) return sendError(ex.res, 400, 'bad_path', `${p.rel} leads outside the agent root through a symlink; refused`);
  const st = await fsp.lstat(p.target).catch(() => undefined);
  if (!st?.isFile()) return sendError(ex.res, 404, 'not_found', `File not found: ${rel}`);
  const sha256 = await ctx.cache.get(p.target, st);
  const url = '/files/' + [TREE_DIR[tree], ...segs.value.slice(1)].map(encodeURIComponent).join('/');
  sendJson(ex.res, 200, { path: rel, type: tree, size: st.size, modified: st.mtimeMs / 1000, sha256, url });
}
