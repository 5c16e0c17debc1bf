import { EXIT_OK, UsageError, boolOpt, intOpt, type CliCommand } from '../command';
import { openCluster, pickNodes } from '../cluster';
import { formatBytes, formatMs, styleFor, table } from '../format';

export const historyCommand: CliCommand = {
  usage: 'history NODE [--limit N]',
  help: `Options:
  --limit N   entries to show (default 50; the router keeps the last 200)`,
  options: { limit: { type: 'string' } },
  allowPositionals: true,
  async run(args, io) {
    if (args.positionals.length !== 1) throw new UsageError('name exactly one node');
    const cluster = await openCluster('history', args, io);
    const [node] = pickNodes(cluster.nodes, args.positionals, false);
    const entries = cluster.router.history(node, intOpt(args, 'limit') ?? 50);
    if (boolOpt(args, 'json')) {
      io.stdout(JSON.stringify({ node: node.name, entries }, null, 2) + '\n');
      return EXIT_OK;
    }
    if (entries.length === 0) {
      io.stdout(`${node.name}: no history yet (run 'ringrift-sync test ${node.name}')\n`);
      return EXIT_OK;
    }
    const style = styleFor(io.isTTY, io.env);
    const rows = entries.map((e) => [
      e.time,
      e.kind,
      e.transport,
      e.result === 'ok' ? style.ok('ok') : (e.bytesMoved ?? 0) > 0 ? style.dim(`cut, moved ${formatBytes(e.bytesMoved!)}`) : e.result === 'failed' ? style.bad('failed') : style.dim('skipped'),
      e.durationMs !== undefined ? formatMs(e.durationMs) : '',
      e.error ?? '',
    ]);
    io.stdout(table(['TIME', 'KIND', 'TRANSPORT', 'RESULT', 'TIME TAKEN', 'ERROR'], rows, style));
    return EXIT_OK;
  },
};
