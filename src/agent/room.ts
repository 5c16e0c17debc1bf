import { diskSpace } from './disk';
import type { AgentContext } from './exchange';
import { nearestExisting } from './paths';
import { mib } from './respond';

/** Bytes a new write under `dir` may use: free space less what other uploads still have to write. */
export async function availableBytes(ctx: AgentContext, dir: string, key: string): Promise<number> {
  const disk = await diskSpace(await nearestExisting(dir), ctx.config.fakeFreeBytes);
  return Math.max(0, disk.freeBytes - ctx.uploads.reservedByOthers(key));
}

export function noRoomMessage(ctx: AgentContext, what: string, available: number, needed: number): string {
  return `${ctx.config.name} has ${mib(available)} free, ${what} needs ${mib(needed)}; free space under ${ctx.config.root}`;
}
