import { RANGED_PUT_EXTENSION } from '../core/transports/http/rangedPutProtocol';
import { authState } from './auth';
import { diskSpace } from './disk';
import type { AgentContext, Exchange } from './exchange';
import { sendJson } from './respond';

/** What this agent adds to the orchestrator's protocol; a client uses one only when listed. */
type AgentExtension = 'resumable_put' | 'range' | typeof RANGED_PUT_EXTENSION;

const EXTENSIONS: readonly AgentExtension[] = ['resumable_put', 'range', RANGED_PUT_EXTENSION];

/**
 * GET /health, answered without a token (as the orchestrator does) so a client can tell what
 * listens before it authenticates. Three layers in one body: the orchestrator's fields (healthy,
 * node_id, role, uptime_seconds, timestamp, disk_percent), this agent's original contract
 * (status, node, version: DESIGN.md, scripts read them) and `ringrift_sync`, by whose presence a
 * client knows our agent. `ringrift_sync.auth` says whether the token the request carried would be
 * accepted elsewhere, so a probe needs no second request to find a wrong token.
 */
export async function handleHealth(ctx: AgentContext, ex: Exchange): Promise<void> {
  const { config } = ctx;
  const disk = await diskSpace(config.root, config.fakeFreeBytes);
  const usedPercent = disk.totalBytes > 0 ? ((disk.totalBytes - Math.min(disk.freeBytes, disk.totalBytes)) / disk.totalBytes) * 100 : 0;
  sendJson(ex.res, 200, {
    healthy: true,
    node_id: config.name,
    role: 'agent',
    uptime_seconds: (Date.now() - ctx.startedAt) / 1000,
    timestamp: Date.now() / 1000,
    disk_percent: Math.round(usedPercent * 10) / 10,
    status: 'ok',
    node: config.name,
    version: config.version,
    ringrift_sync: { version: config.version, extensions: EXTENSIONS, auth: authState(config.token, ex.req.headers) },
  });
}
