import { diagnoseNodes, groupCauses, hasProblems, type DoctorReport, type NodeReport } from '../../core/doctor';
import type { NodeSpec } from '../../core/hosts/nodeSpec';
import type { ClusterSession } from '../../core/session';
import { cliArgsFor } from '../doctor/cliArgs';
import type { ReportMeta } from '../doctor/doctorHtml';
import { resolveNode, sessionOrExplain, type CommandArg, type CommandDeps } from './commandContext';
import { COMMAND_IDS, type HandlersOf } from './commandIds';

/**
 * "Diagnose Node" / "Diagnose All Nodes": the doctor core over this window's session, under a
 * progress notification whose Cancel stops it. Only looks: nothing on a node, in known_hosts or in
 * the router state changes. Each node's report is kept (tree tooltips) and the report view opens.
 */

/** Where the report goes (DoctorPanel). */
export interface ReportView {
  show(report: DoctorReport, meta: ReportMeta, rerun: { node: string } | 'all'): void;
}

async function runDiagnosis(deps: CommandDeps, view: ReportView, session: ClusterSession, nodes: NodeSpec[], all: boolean): Promise<DoctorReport> {
  const what = all ? `all ${nodes.length} nodes` : nodes.map((n) => n.name).join(', ');
  const targets = nodes.filter((n) => !all || n.status === 'ready').map((n) => ({ node: n.name, transports: n.transports }));
  const finished = new Set<string>();
  let cancelled = false;
  deps.store.live.start(targets);
  let report: DoctorReport;
  try {
    report = await deps.ui().withProgress(`Diagnosing ${what}`, async (progress, signal) => {
      const r = await diagnoseNodes(
        nodes,
        { transports: session.connectivity.transports, transportOptions: session.transportOptions, readState: () => session.store.read() },
        {
          concurrency: session.settings.concurrency,
          signal,
          agentRestartCommand: deps.settings().agentRestartCommand,
          cliArgs: cliArgsFor({ hostsFile: session.hosts.fileName, stateDir: session.stateDir, knownHostsFile: session.transportOptions.knownHostsFile, env: session.transportOptions.env }),
          skipNotReady: all,
          onNode: (n) => {
            // A node cut short by Cancel has half its evidence: not a diagnosis to keep or show.
            if (signal.aborted) return;
            finished.add(n.node);
            deps.store.recordDiagnosis(n, Date.now());
            deps.store.live.finish([n.node]);
            progress({ message: `${finished.size}/${nodes.length} nodes`, increment: 100 / nodes.length });
          },
        },
      );
      cancelled = signal.aborted;
      return { nodes: r.nodes.filter((n) => finished.has(n.node)) };
    });
  } finally {
    deps.store.live.finish(targets.map((t) => t.node));
    deps.store.afterChange();
  }
  for (const n of report.nodes) logNode(deps, n);
  view.show(report, { at: new Date().toISOString(), requested: nodes.length, cancelled }, all ? 'all' : { node: nodes[0].name });
  if (cancelled) void deps.ui().warn(`Diagnosis cancelled: ${report.nodes.length} of ${nodes.length} node(s) diagnosed; the report shows those.`);
  return report;
}

function logNode(deps: CommandDeps, n: NodeReport): void {
  if (n.skipped) return deps.log.info(`doctor ${n.node}: skipped: ${n.skipped}`);
  if (!hasProblems(n)) deps.log.info(`doctor ${n.node}: no problem found`);
  for (const g of groupCauses(n.causes)) {
    deps.log.info(`doctor ${n.node} ${g.transports.join(',')}: ${g.cause.cause}${g.cause.expected ? ' (expected)' : ''}: ${g.cause.evidence.summary}`);
  }
}

export function doctorCommands(deps: CommandDeps, view: ReportView) {
  return {
    /** Returns the node's report (undefined when cancelled or no node was picked). */
    [COMMAND_IDS.diagnoseNode]: async (arg) => {
      const session = sessionOrExplain(deps);
      const node = session && (await resolveNode(deps, session, arg, 'Diagnose which node?'));
      if (!node) return undefined;
      const report = await runDiagnosis(deps, view, session!, [node], false);
      return report.nodes[0];
    },
    /** Every node; those whose status is not `ready` are listed as skipped, as `doctor --all` does. */
    [COMMAND_IDS.diagnoseAll]: async () => {
      const session = sessionOrExplain(deps);
      if (!session) return undefined;
      if (session.nodes.length === 0) {
        void deps.ui().info('Nothing to diagnose: the hosts file has no nodes.');
        return { nodes: [] };
      }
      return runDiagnosis(deps, view, session, session.nodes, true);
    },
  } satisfies HandlersOf<CommandArg>;
}
