import { failuresLastHour } from '../../core/router';
import { EXIT_OK, boolOpt, type CliCommand } from '../command';
import { openCluster } from '../cluster';
import { styleFor, table } from '../format';

export const statusCommand: CliCommand = {
  usage: 'status',
  help: '',
  options: {},
  allowPositionals: false,
  async run(args, io) {
    const cluster = await openCluster('status', args, io);
    const { state, stats, alerts } = cluster.router.status();
    const now = cluster.router.clock();
    const nodes: Record<string, unknown> = {};
    for (const node of cluster.nodes) {
      const ns = state.nodes[node.name];
      const failures: Record<string, number> = {};
      for (const [t, rec] of Object.entries(ns?.transports ?? {})) if (rec && rec.consecutiveFailures > 0) failures[t] = rec.consecutiveFailures;
      nodes[node.name] = {
        enabled: ns?.enabled ?? true,
        disabledAt: ns?.disabledAt ?? null,
        reason: ns?.reason ?? null,
        failedTransports: ns?.failedTransports ?? [],
        preferredTransport: ns?.preferredTransport ?? null,
        failures,
        lastWorkingTransport: ns?.lastWorkingTransport ?? null,
        lastSuccessAt: ns?.lastSuccessAt ?? null,
        failuresLastHour: failuresLastHour(state, node.name, now),
        status: node.status,
      };
    }
    if (boolOpt(args, 'json')) {
      io.stdout(JSON.stringify({ nodes, stats, alerts }, null, 2) + '\n');
      return EXIT_OK;
    }
    const style = styleFor(io.isTTY, io.env);
    const rows = cluster.nodes.map((node) => {
      const ns = state.nodes[node.name];
      const enabled = ns?.enabled ?? true;
      const fails = Object.entries(ns?.transports ?? {})
        .filter(([, r]) => r && r.consecutiveFailures > 0)
        .map(([t, r]) => `${t}:${r!.consecutiveFailures}`)
        .join(' ');
      return [
        node.name,
        !node.ready ? style.dim(node.status) : enabled ? style.ok('enabled') : style.bad('DISABLED'),
        ns?.lastWorkingTransport ?? '-',
        ns?.preferredTransport ?? '-',
        fails || '-',
        enabled ? '' : `${ns?.reason} since ${ns?.disabledAt} (failed: ${ns?.failedTransports.join(', ')})`,
      ];
    });
    io.stdout(table(['NODE', 'STATE', 'WORKING', 'PREFERRED', 'FAILURES', 'DISABLED'], rows, style));
    const active = Object.entries(stats.activeTransports).map(([t, n]) => `${t} ${n}`).join(', ') || 'none yet';
    io.stdout(`\n${stats.nodeCount} nodes, ${stats.disabledNodeCount} disabled; working transports: ${active}; escalations today: ${stats.escalationsToday}\n`);
    io.stdout(alerts.length ? alerts.map((a) => style.warn(`ALERT ${a.metric}: ${a.message}`)).join('\n') + '\n' : 'no alerts\n');
    return EXIT_OK;
  },
};
