import type { AgentContext, Exchange } from './exchange';
import { pullFile } from './pullFile';
import { parsePullRequest, readJsonBody, type PullRequest } from './pullRequest';
import { DEFAULT_PULL_CONNECT_TIMEOUT_MS, DEFAULT_PULL_IDLE_TIMEOUT_MS, type PullSource } from './pullSource';
import { sendError, sendJson } from './respond';

interface Tally {
  filesCompleted: number;
  bytesTransferred: number;
  errors: string[];
}

/**
 * POST /sync/pull: fetch each entry from http://source_host:source_port/sync/file?path=<entry>
 * and land it at ROOT/data/<entry>. That is where the orchestrator lands it (RR_ORCH_DATA_DIR/
 * <entry>: the `data/` prefix of an entry is NOT stripped, so data/x lands at ROOT/data/data/x),
 * mirrored exactly so a client finds the file in the same place on both.
 * As on the orchestrator, failures of the source answer 200 {"success": false, "error"} (the
 * client reads `success`); a disk that cannot hold a file answers 507 and stops the pull. Entries
 * are fetched one after the other; the pull stops when the client goes away.
 */
export async function handleSyncPull(ctx: AgentContext, ex: Exchange): Promise<void> {
  const body = await readJsonBody(ex);
  const request = body.ok ? parsePullRequest(body.value) : body;
  // Connection: close, as a refused body may still be arriving.
  if (!request.ok) return sendError(ex.res, 400, 'bad_body', request.message, {}, { Connection: 'close' });
  // The client waits on this socket while files come in: the server's idle bound must not cut it.
  ex.req.socket.setTimeout(0);
  const abort = new AbortController();
  const onGone = () => abort.abort();
  ex.res.once('close', onGone);
  try {
    await pullAll(ctx, ex, request.value, abort.signal);
  } finally {
    ex.res.off('close', onGone);
  }
}

async function pullAll(ctx: AgentContext, ex: Exchange, request: PullRequest, signal: AbortSignal): Promise<void> {
  const { config } = ctx;
  const src: PullSource = {
    host: request.sourceHost,
    port: request.sourcePort,
    token: config.token,
    connectTimeoutMs: config.pullConnectTimeoutMs ?? DEFAULT_PULL_CONNECT_TIMEOUT_MS,
    idleTimeoutMs: config.pullIdleTimeoutMs ?? DEFAULT_PULL_IDLE_TIMEOUT_MS,
  };
  const tally: Tally = { filesCompleted: 0, bytesTransferred: 0, errors: [] };
  for (const file of request.files) {
    if (signal.aborted) return;
    const r = await pullFile(ctx, src, file, signal);
    if (r.ok) {
      tally.filesCompleted += 1;
      tally.bytesTransferred += r.value;
    } else if (r.code === 'disk_full') {
      return sendError(ex.res, 507, 'disk_full', `${file.entry}: ${r.message}`, { success: false, ...counts(tally) });
    } else {
      tally.errors.push(`${file.entry}: ${r.message}`);
    }
  }
  const failed = tally.errors.length > 0;
  // The orchestrator joins the first five errors the same way.
  sendJson(ex.res, 200, { success: !failed, ...counts(tally), ...(failed ? { error: tally.errors.slice(0, 5).join('; ') } : {}) });
}

const counts = (t: Tally) => ({ files_completed: t.filesCompleted, bytes_transferred: t.bytesTransferred });
