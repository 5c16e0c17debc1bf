import { RANGED_HEADERS } from '../core/transports/http/rangedPutProtocol';
import { handleRangedCommit } from './commitRanges';
import { header, type AgentContext, type Exchange } from './exchange';
import { handleHead } from './headFile';
import { parseFilesPath } from './paths';
import { handlePut } from './putFile';
import { handleRangePut } from './putRange';
import { sendError } from './respond';
import { sendFile } from './sendFile';

/**
 * The `/files/<rel>` family, all on ROOT/<rel>: GET (the file, with Range; the orchestrator's
 * GET /files/data/<rel> and /files/models/<rel> are the cases it serves), HEAD and PUT (this
 * agent's resumable protocol). Each parses and checks the path first.
 */
function onFilesPath(fn: (ctx: AgentContext, ex: Exchange, segments: string[]) => Promise<void>) {
  return async (ctx: AgentContext, ex: Exchange): Promise<void> => {
    const segs = parseFilesPath(ex.urlPath);
    if (!segs.ok) return sendError(ex.res, 400, 'bad_path', `${ex.urlPath}: ${segs.message}`);
    return fn(ctx, ex, segs.value);
  };
}

export const getFile = onFilesPath((ctx, ex, segs) => sendFile(ctx, ex, segs, { sha256Header: false }));
export const headFile = onFilesPath((ctx, ex, segs) => handleHead(ctx, ex.res, segs));
/** PUT: a commit or a range of a ranged upload (rangedPutProtocol.ts), else the appending resumable PUT. */
export const putFile = onFilesPath((ctx, ex, segs) => {
  if (header(ex.req, RANGED_HEADERS.commit) !== undefined) return handleRangedCommit(ctx, ex, segs);
  if (header(ex.req, RANGED_HEADERS.rangeStart) !== undefined || header(ex.req, RANGED_HEADERS.rangeEnd) !== undefined) return handleRangePut(ctx, ex, segs);
  return handlePut(ctx, ex.req, ex.res, segs, ex.expectsContinue, ex.meter);
});
