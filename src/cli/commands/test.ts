import { HealthMonitor, testConnectivity, type ProbeRow } from '../../core/router';
import { EXIT_FAILED, EXIT_OK, boolOpt, intOpt, TOKEN_FILE_HELP, TOKEN_FILE_OPTION, type CliCommand, type CliIO } from '../command';
import { openCluster, pickNodes, transportOpt } from '../cluster';
import { formatMs, styleFor, table } from '../format';

function render(rows: ProbeRow[], io: CliIO): string {
  const style = styleFor(io.isTTY, io.env);
  return table(
    ['NODE', 'TRANSPORT', 'RESULT', 'LATENCY', 'MESSAGE'],
    rows.map((r) => [r.node, r.transport, r.success ? style.ok('ok') : style.bad('FAILED'), formatMs(r.latencyMs), r.success ? '' : r.message]),
    style,
  );
}

export const testCommand: CliCommand = {
  usage: 'test [NODE...] [--all] [--transport T] [--concurrency N] [--timeout S] [--watch SECONDS] [--accept-new] [--token-file FILE]',
  help: `Options:
  --all               every node of the hosts file (also the default when no node is named)
  --transport T       only this transport (p2p, http, rsync, ssh, base64)
  --concurrency N     nodes tested at once (default: auto_sync.max_concurrent_syncs, else 12)
  --timeout S         bound on each probe, in seconds (default 8; connect timeout 5)
  --watch SECONDS     repeat every SECONDS until Ctrl-C; failures are logged as TRANSPORT_DEGRADED
  --accept-new        add unknown SSH host keys to known_hosts instead of failing
${TOKEN_FILE_HELP}
Exit code: 0 when every probe succeeded, 1 when any failed.`,
  options: {
    ...TOKEN_FILE_OPTION,
    all: { type: 'boolean' },
    transport: { type: 'string' },
    concurrency: { type: 'string' },
    timeout: { type: 'string' },
    watch: { type: 'string' },
    'accept-new': { type: 'boolean' },
  },
  allowPositionals: true,
  async run(args, io) {
    const cluster = await openCluster('test', args, io);
    const transport = transportOpt(args, 'transport');
    const nodes = pickNodes(cluster.nodes, args.positionals, boolOpt(args, 'all') || args.positionals.length === 0);
    const deps = cluster.connectivity;
    const watchS = intOpt(args, 'watch');
    const json = boolOpt(args, 'json');

    if (watchS) {
      const monitor = new HealthMonitor(deps, () => nodes, {
        intervalMs: watchS * 1000,
        concurrency: cluster.settings.concurrency,
        onRound: (rows) => io.stdout(json ? JSON.stringify({ time: new Date().toISOString(), results: rows }) + '\n' : `\n${new Date().toISOString()}\n${render(rows, io)}`),
      });
      monitor.start();
      await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
      monitor.stop();
      return EXIT_OK;
    }

    let done = 0;
    const total = nodes.reduce((n, node) => n + (transport ? (node.transports.includes(transport) ? 1 : 0) : node.transports.length), 0);
    const showProgress = io.isTTY && !json && total > 4;
    const rows = await testConnectivity(deps, nodes, {
      transport,
      concurrency: cluster.settings.concurrency,
      signal: io.signal,
      onResult: () => {
        done++;
        if (showProgress) io.stderr(`\rtested ${done}/${total} transports`);
      },
    });
    if (showProgress) io.stderr('\r\x1b[K');
    if (json) io.stdout(JSON.stringify({ results: rows }, null, 2) + '\n');
    else {
      io.stdout(rows.length ? render(rows, io) : 'nothing to test: no node has that transport\n');
      const failed = rows.filter((r) => !r.success).length;
      io.stdout(`${rows.length - failed} passed, ${failed} failed\n`);
    }
    if (io.signal.aborted) return EXIT_FAILED;
    return rows.every((r) => r.success) ? EXIT_OK : EXIT_FAILED;
  },
};
