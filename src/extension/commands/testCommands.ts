import type { NodeSpec, TransportKind } from '../../core/hosts/nodeSpec';
import { testConnectivity, type ProbeRow } from '../../core/router';
import type { ClusterSession } from '../../core/session';
import { resolveNode, resolveTransport, sessionOrExplain, type CommandArg, type CommandDeps } from './commandContext';
import { COMMAND_IDS, type HandlersOf } from './commandIds';

/**
 * The runbook's connectivity test, from the tree: every transport of each node probed at once,
 * nodes in parallel; each result shows in the tree as it arrives (a dead node holds up nobody).
 */
export async function runConnectivityTest(deps: CommandDeps, session: ClusterSession, nodes: NodeSpec[], transport?: TransportKind): Promise<ProbeRow[]> {
  const targets = nodes
    .map((n) => ({ node: n.name, transports: transport ? n.transports.filter((t) => t === transport) : n.transports }))
    .filter((t) => t.transports.length > 0);
  const total = targets.reduce((n, t) => n + t.transports.length, 0);
  if (total === 0) {
    void deps.ui().info(`Nothing to test: ${transport ? `no selected node has a ${transport} transport` : 'no node has a transport'}.`);
    return [];
  }
  deps.store.live.start(targets);
  const what = nodes.length === 1 ? nodes[0].name : `${nodes.length} nodes`;
  let rows: ProbeRow[] = [];
  try {
    rows = await deps.ui().withProgress(`Testing ${transport ? `${transport} of ` : ''}${what}`, async (report, signal) => {
      let done = 0;
      return testConnectivity(session.connectivity, nodes, {
        transport,
        concurrency: session.settings.concurrency,
        signal,
        onResult: (row) => {
          deps.store.live.result(row);
          done++;
          report({ message: `${done}/${total} transports`, increment: 100 / total });
        },
      });
    });
  } finally {
    deps.store.live.finish(targets.map((t) => t.node));
    deps.store.afterChange();
  }
  for (const r of rows) deps.log.info(`test ${r.node} ${r.transport}: ${r.success ? `ok ${r.latencyMs} ms` : `FAILED ${r.message}`}`);
  const failed = rows.filter((r) => !r.success);
  const summary = `Tested ${what}: ${rows.length - failed.length} transport(s) ok, ${failed.length} failed`;
  if (failed.length === 0) void deps.ui().info(summary + '.');
  else void deps.ui().warn(`${summary} (${[...new Set(failed.map((f) => f.node))].join(', ')}). Hover a node for its errors.`);
  return rows;
}

export function testCommands(deps: CommandDeps) {
  return {
    [COMMAND_IDS.testAll]: async () => {
      const session = sessionOrExplain(deps);
      return session && runConnectivityTest(deps, session, session.nodes);
    },
    [COMMAND_IDS.testNode]: async (arg) => {
      const session = sessionOrExplain(deps);
      const node = session && (await resolveNode(deps, session, arg, 'Test which node?'));
      return node && runConnectivityTest(deps, session!, [node]);
    },
    [COMMAND_IDS.testTransport]: async (arg) => {
      const session = sessionOrExplain(deps);
      const node = session && (await resolveNode(deps, session, arg, 'Test a transport of which node?'));
      if (!node) return undefined;
      const transport = await resolveTransport(deps, node, arg, `Test which transport of ${node.name}?`);
      return transport && runConnectivityTest(deps, session!, [node], transport);
    },
  } satisfies HandlersOf<CommandArg>;
}
