import { fanOut } from '../../core/fanout/fanOut';
import type { FanoutEvent, FanoutResult } from '../../core/fanout/results';
import type { PushJob } from '../../core/transports/transport';
import type { NodeSpec } from '../../core/hosts/nodeSpec';
import type { ClusterSession } from '../../core/session';
import { intOpt, UsageError, type CliIO, type ParsedArgs } from '../command';
import { formatMs, type Style } from '../format';

/** `sync --fanout`: one copy over this machine's uplink, the rest pulled between the nodes. */

/** The fan-out's progress as lines on stderr: the waves as they go, and who falls back to direct. */
export function fanoutLine(e: Exclude<FanoutEvent, { type: 'bytes' }>): string {
  switch (e.type) {
    case 'seed':
      return `wave 1: pushing to seed ${e.node} from here`;
    case 'pull':
      return `wave ${e.wave}: ${e.node} pulling from ${e.source}`;
    case 'verified':
      return `wave ${e.wave}: ${e.node} verified (sha256 on the node), pulled from ${e.source} in ${formatMs(e.durationMs)}`;
    case 'resourced':
      return `${e.node}: the pull from ${e.source} failed, asking another verified peer: ${e.error}`;
    case 'direct':
      return `${e.node}: direct from here: ${e.reason}`;
  }
}

export async function runFanout(
  cluster: ClusterSession,
  nodes: NodeSpec[],
  job: PushJob,
  args: ParsedArgs,
  io: CliIO,
  onBytes: (node: string, transport: string, done: number, total: number) => void,
): Promise<FanoutResult[]> {
  if (args.values['force-transport'] !== undefined) throw new UsageError('--fanout pulls between nodes over p2p: it does not go with --force-transport');
  const perSource = intOpt(args, 'fanout-per-source');
  const seeds = intOpt(args, 'fanout-seeds');
  if (seeds !== undefined && seeds > 2) throw new UsageError(`--fanout-seeds takes 1 or 2, got ${seeds}: each seed is one more copy over this machine's uplink`);
  const quiet = args.values.json === true;
  const progress = (e: FanoutEvent) => {
    if (e.type === 'bytes') return onBytes(e.node, e.transport, e.done, e.total);
    if (!quiet) io.stderr(`${io.isTTY ? '\r\x1b[K' : ''}${fanoutLine(e)}\n`);
  };
  return fanOut(nodes, job, { router: cluster.router, transportOptions: cluster.transportOptions, perSource, seeds }, progress, io.signal);
}

/** The table's SOURCE and ATTEMPTS cells of a fan-out row: where the copy came from, and the pulls tried. */
export function fanoutCells(r: FanoutResult, style: Style): { source: string; pulls: string[] } {
  const pulls = (r.pulls ?? []).map((p) => (p.result === 'ok' ? style.ok(`pull←${p.source}`) : style.bad(`pull←${p.source}✗`)));
  return { source: r.source === 'local' ? style.dim('local') : r.source, pulls };
}

/** Failed pulls, one line each, for the table's Failures section. */
export function pullFailures(results: FanoutResult[]): string[] {
  return results.flatMap((r) => (r.pulls ?? []).filter((p) => p.result === 'failed').map((p) => `  ${r.node} pull from ${p.source}: ${p.error}`));
}
