import type { AgentContext, Exchange } from './exchange';
import { treeSegments } from './orchestratorPaths';
import { sendError } from './respond';
import { sendFile } from './sendFile';

/**
 * GET /sync/file?path=<rel>: the file at ROOT/data/<rel> (the orchestrator serves its data dir
 * here; a peer's POST /sync/pull fetches from it). Adds `X-Sha256` so a puller can verify.
 */
export async function handleSyncFile(ctx: AgentContext, ex: Exchange): Promise<void> {
  const rel = ex.query.get('path');
  if (!rel) return sendError(ex.res, 400, 'bad_query', 'GET /sync/file needs ?path=<file relative to the data dir>');
  const segs = treeSegments('data', rel);
  if (!segs.ok) return sendError(ex.res, 400, 'bad_path', `GET /sync/file path '${rel}': ${segs.message}`);
  return sendFile(ctx, ex, segs.value, { sha256Header: true });
}
