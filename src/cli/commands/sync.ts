import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultRemotePath } from '../../core/fanout/fanOut';
import { LOCAL_SOURCE } from '../../core/fanout/results';
import { EXIT_FAILED, EXIT_OK, UsageError, boolOpt, stringOpt, TOKEN_FILE_HELP, TOKEN_FILE_OPTION, type CliCommand } from '../command';
import { openCluster, pickNodes, transportOpt } from '../cluster';
import { syncDirectory } from './syncDir';
import { runFanout } from './syncFanout';
import { progressPainter, renderSyncResults, type ShownResult } from './syncOutput';

export const syncCommand: CliCommand = {
  usage: 'sync NODE... --path LOCAL [--remote PATH] [--force-transport T] [--streams N|auto] [--all] [--delete [--dry-run]] [--fanout] [--accept-new] [--token-file FILE]',
  help: `Options:
  --path LOCAL           the local file or directory to push (required)
  --remote PATH          where it goes on the node: relative to its ringrift_path (default: the file's or
                         directory's name; with --fanout data/<the file's name>); absolute paths only over
                         SSH transports
  --delete               (directory) remove files under --remote that are not in the local tree
  --dry-run              with --delete: list per node what it would remove (over SSH); nothing is sent
                         or removed. JSON: {dryRun: true, results: [{node, success, root, wouldDelete: [names
                         relative to root], message}]}
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
  --streams N|auto       TCP connections for one big file (8 MiB or more): p2p/http to a ringrift agent, and
                         rsync and base64 as that many SSH connections, each sending ranges. N, or auto
                         (only to a node 10 ms or more away: start with 1, x4 while the rate grows > 10 %,
                         up to 16); 1: a single stream. Default: auto
  --accept-new           add unknown SSH host keys to known_hosts instead of failing
${TOKEN_FILE_HELP}
A directory goes as a tree: symlinks inside it are followed (their files land under the link's name);
a symlink out of it, dangling or in a cycle stops the whole sync before anything is sent. Per node,
unchanged files are skipped (a second sync of an unchanged tree rewrites nothing); --json adds
"files": {total, sent, skipped, refused: [{path, reason, transport, sentBy}], deleted} per node.
JSON: each result has 'source' ('local', or the node it was pulled from) and 'wave' (1 for a copy
from here; a copy pulled from a node of wave w is of wave w + 1); with --fanout also 'route'
(seed, pull or direct) and 'pulls' (each pull tried).
Exit code: 0 when every node got the file (or the whole tree), 1 when any did not.`,
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
    streams: { type: 'string' },
    'accept-new': { type: 'boolean' },
    delete: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
  },
  allowPositionals: true,
  async run(args, io) {
    const local = stringOpt(args, 'path');
    if (!local) throw new UsageError('--path LOCAL is required: the file to push');
    const localPath = path.resolve(io.cwd, local);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(localPath);
    } catch {
      throw new UsageError(`--path ${local}: no such file`);
    }
    if (!stat.isFile() && !stat.isDirectory()) throw new UsageError(`--path ${local}: not a regular file or a directory`);
    if (boolOpt(args, 'delete') && !stat.isDirectory()) throw new UsageError('--delete is for a directory (--path DIR)');
    if (boolOpt(args, 'dry-run') && !boolOpt(args, 'delete')) throw new UsageError('--dry-run previews --delete: give --path DIR --delete --dry-run');
    const fanout = boolOpt(args, 'fanout');
    if (fanout && stat.isDirectory()) throw new UsageError('--fanout takes one file (--path FILE), not a directory');
    const force = transportOpt(args, 'force-transport');
    const cluster = await openCluster('sync', args, io);
    const nodes = pickNodes(cluster.nodes, args.positionals, boolOpt(args, 'all'));
    if (stat.isDirectory()) return syncDirectory(args, io, cluster, nodes, localPath, force);
    const job = { localPath, remotePath: stringOpt(args, 'remote') ?? defaultRemotePath(localPath, fanout) };
    const json = boolOpt(args, 'json');
    const painter = progressPainter(io, json);
    const onBytes = (node: string, transport: string, done: number, total: number) => painter.paint(node, `${node} ${transport} ${total ? Math.floor((done / total) * 100) : 100}%`);
    const results: ShownResult[] = fanout
      ? await runFanout(cluster, nodes, job, args, io, onBytes)
      : (await cluster.router.syncMany(nodes, job, { signal: io.signal, forceTransport: force, onProgress: onBytes })).map((r) => ({ ...r, source: LOCAL_SOURCE, wave: 1 }));
    painter.clear();
    if (json) io.stdout(JSON.stringify({ results }, null, 2) + '\n');
    else io.stdout(renderSyncResults(results, io));
    return results.every((r) => r.success) ? EXIT_OK : EXIT_FAILED;
  },
};
