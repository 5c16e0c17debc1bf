import { fail, ok, type Result } from '../../../result';
import { agentRequest, endpointLabel, type AgentEndpoint, type RequestFailure } from '../agentRequest';
import type { OrchestratorTarget } from './paths';

export interface RemoteFileInfo {
  size: number;
  sha256: string;
}

export type InfoFailure = RequestFailure | 'not_found' | 'bad_answer';

/**
 * GET /files/info?path=<rel>&type=data|model: the stored file's size and sha256, hashed by the
 * orchestrator (no auth needed). `type` must be given: it defaults to model.
 */
export async function remoteFileInfo(ep: AgentEndpoint, target: OrchestratorTarget, timeoutMs: { connectTimeoutMs: number; idleTimeoutMs: number }, signal: AbortSignal): Promise<Result<RemoteFileInfo, InfoFailure>> {
  const where = `${ep.kind}: ${ep.node} (${endpointLabel(ep)})`;
  const query = `path=${encodeURIComponent(target.rel)}&type=${target.dir === 'data' ? 'data' : 'model'}`;
  const r = await agentRequest(ep, { method: 'GET', path: `/files/info?${query}`, ...timeoutMs }, signal);
  if (!r.ok) return r;
  const { status, body } = r.value;
  if (status === 404) return fail('not_found', `${where}: GET /files/info finds no ${target.uploadPath} (HTTP 404)`);
  try {
    const info = JSON.parse(body) as { size?: unknown; sha256?: unknown };
    if (status === 200 && typeof info.size === 'number' && typeof info.sha256 === 'string') return ok({ size: info.size, sha256: info.sha256 });
  } catch {
    /* falls through: not the answer we asked for */
  }
  return fail('bad_answer', `${where} answered GET /files/info for ${target.uploadPath} with HTTP ${status} and no size/sha256: ${body.slice(0, 120)}`);
}
