import * as fs from 'node:fs';
import * as path from 'node:path';
import { madeProgress, type SyncResult } from '../../core/router';
import { defaultRemotePath } from '../../core/fanout/fanOut';
import { LOCAL_SOURCE, type FanoutResult } from '../../core/fanout/results';
import { EXIT_FAILED, EXIT_OK, UsageError, boolOpt, stringOpt, TOKEN_FILE_HELP, TOKEN_FILE_OPTION, type CliCommand, type CliIO, type ParsedArgs } from '../command';
import { openCluster, pickNodes, transportOpt } from '../cluster';
import { formatBytes, formatMs, styleFor, table } from '../format';
import { fanoutCells, pullFailures, runFanout } from './syncFanout';

/** A plain sync's rows come from this machine; a fan-out's say where (`sync --json` has both fields). */
type ShownResult = SyncResult | FanoutResult;
const isFanout = (r: ShownResult): r is FanoutResult => 'route' in r;

export function renderSyncResults(results: ShownResult[], io: CliIO): string {
  const style = styleFor(io.isTTY, io.env);
  // A try that moved the node's partial forward is a resume (↻), not a failure (✗).
  const step = (a: SyncResult['attempts'][number]) =>
    a.result === 'ok' ? style.ok(a.transport) : a.result === 'skipped' ? style.dim(`(${a.transport})`) : madeProgress(a) ? style.dim(`${a.transport}↻`) : style.bad(`${a.transport}✗`);
  const fanout = results.some(isFanout);
  const rows = results.map((r) => {
    const cells = isFanout(r) ? fanoutCells(r, style) : undefined;
    const path = [...(cells?.pulls ?? []), ...r.attempts.map(step)].join(' → ');
    const notTried = !r.success && !r.disabled && r.attempts.length === 0;
    const result = r.success ? style.ok('ok') : r.disabled ? style.bad('DISABLED') : notTried ? style.dim('SKIPPED') : style.bad('FAILED');
    const took = r.attempts.reduce((ms, a) => ms + a.durationMs, 0) + (isFanout(r) ? (r.pulls ?? []).reduce((ms, p) => ms + p.durationMs, 0) : 0);
    const where = cells && isFanout(r) ? [cells.source, String(r.wave)] : [];
    return [r.node, result, ...where, r.transportUsed ?? '-', path || '-', r.success ? formatBytes(r.bytes) : '', formatMs(took), r.message];
  });
  let out = table(['NODE', 'RESULT', ...(fanout ? ['SOURCE', 'WAVE'] : []), 'VIA', 'ATTEMPTS', 'SIZE', 'TIME', 'MESSAGE'], rows, style);
  const errors = [
    ...results.flatMap((r) => r.attempts.filter((a) => a.result === 'failed' && !madeProgress(a)).map((a) => `  ${r.node} ${a.transport}: ${a.error}`)),
    ...pullFailures(results.filter(isFanout)),
  ];
  if (errors.length) out += `\nFailures:\n${errors.join('\n')}\n`;
  const resumes = results.flatMap((r) => r.attempts.filter(madeProgress).map((a) => `  ${r.node} ${a.transport}: moved ${formatBytes(a.bytesMoved ?? 0)}, resumed from ${formatBytes(a.partialBytes ?? 0)} (${a.error})`));
  if (resumes.length) out += `\nResumed after a cut:\n${resumes.join('\n')}\n`;
  return out;
}

export const syncCommand: CliCommand = {
  name: 'sync',
  summary: 'push a file to nodes, escalating p2p -> http -> rsync -> base64; disables a node when all fail',
  usage: 'sync NODE... --path LOCAL [--remote PATH] [--force-transport T] [--all] [--fanout] [--accept-new] [--token-file FILE]',
  help: `Options:
  --path LOCAL           the local file to push (required)
  --remote PATH          where it goes on the node: relative to its ringrift_path (default: the file's name;
                         with --fanout data/<the file's name>); absolute paths only over SSH transports
  --force-transport T    use only this transport (also on a disabled node, which stays disabled)
  --all                  every node of the hosts file
  --fanout               one copy over this machine's uplink: push to one seed node, then the nodes pull
                         from verified peers (POST /sync/pull) in waves; each copy's sha256 is checked on
                         its node before it serves others. --remote must be under data/. A node that
                         cannot pull (relay mode without p2p_public_port, p2p off, every source failed)
                         gets the direct chain from here
  --fanout-per-source K  pulls one node serves at once (default 2)
  --fanout-seeds N       nodes pushed from here before the pulls start: 1 (default) or 2
  --concurrency N        nodes synced at once (default: auto_sync.max_concurrent_syncs, else 12)
  --timeout S            bound on each probe, in seconds
  --accept-new           add unknown SSH host keys to known_hosts instead of failing
${TOKEN_FILE_HELP}
JSON: each result has 'source' ('local', or the node it was pulled from) and 'wave' (1 for a copy
from here; a copy pulled from a node of wave w is of wave w + 1); with --fanout also 'route'
(seed, pull or direct) and 'pulls' (each pull tried).
Exit code: 0 when every node got the file, 1 when any did not.`,
  options: {
    ...TOKEN_FILE_OPTION,
    path: { type: 'string' },
    remote: { type: 'string' },
    'force-transport': { type: 'string' },
    all: { type: 'boolean' },
    fanout: { type: 'boolean' },
    'fanout-per-source': { type: 'string' },
    'fanout-seeds': { type: 'string' },
    concurrency: { type: 'string' },
    timeout: { type: 'string' },
    'accept-new': { type: 'boolean' },
  },
  allowPositionals: true,
  async run(args, io) {
    const localPath = localFile(args, io);
    const force = transportOpt(args, 'force-transport');
    const cluster = await openCluster(this.name, args, io);
    const nodes = pickNodes(cluster.nodes, args.positionals, boolOpt(args, 'all'));
    const fanout = boolOpt(args, 'fanout');
    const job = { localPath, remotePath: stringOpt(args, 'remote') ?? defaultRemotePath(localPath, fanout) };
    const json = boolOpt(args, 'json');
    const painter = progressPainter(io, json);
    const results: ShownResult[] = fanout
      ? await runFanout(cluster, nodes, job, args, io, painter.paint)
      : (await cluster.router.syncMany(nodes, job, { signal: io.signal, forceTransport: force, onProgress: painter.paint })).map((r) => ({ ...r, source: LOCAL_SOURCE, wave: 1 }));
    painter.clear();
    if (json) io.stdout(JSON.stringify({ results }, null, 2) + '\n');
    else io.stdout(renderSyncResults(results, io));
    return results.every((r) => r.success) ? EXIT_OK : EXIT_FAILED;
  },
};

function localFile(args: ParsedArgs, io: CliIO): string {
  const local = stringOpt(args, 'path');
  if (!local) throw new UsageError('--path LOCAL is required: the file to push');
  const localPath = path.resolve(io.cwd, local);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(localPath);
  } catch {
    throw new UsageError(`--path ${local}: no such file`);
  }
  if (!stat.isFile()) throw new UsageError(`--path ${local}: not a regular file`);
  return localPath;
}

/** Per-node push progress on stderr, repainted at most twice a second; nothing with --json. */
function progressPainter(io: CliIO, json: boolean) {
  const progress = new Map<string, string>();
  let lastPaint = 0;
  const paint = (node: string, transport: string, done: number, total: number) => {
    if (json) return;
    progress.set(node, `${node} ${transport} ${total ? Math.floor((done / total) * 100) : 100}%`);
    const now = Date.now();
    if (now - lastPaint < 500) return;
    lastPaint = now;
    io.stderr(io.isTTY ? `\r\x1b[K${[...progress.values()].join('  ')}` : `${[...progress.values()].join('  ')}\n`);
  };
  const clear = () => {
    if (io.isTTY && !json && progress.size) io.stderr('\r\x1b[K');
  };
  return { paint, clear };
}
