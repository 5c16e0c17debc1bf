import { diskSpace } from './disk';
import type { AgentContext, Exchange } from './exchange';
import { sendJson } from './respond';

/** GET /status: this agent's own figures (DESIGN.md). */
export async function handleStatus(ctx: AgentContext, ex: Exchange): Promise<void> {
  const { config } = ctx;
  const disk = await diskSpace(config.root, config.fakeFreeBytes);
  const uptimeS = Math.floor((Date.now() - ctx.startedAt) / 1000);
  sendJson(ex.res, 200, { node: config.name, version: config.version, uptimeS, root: config.root, disk });
}
