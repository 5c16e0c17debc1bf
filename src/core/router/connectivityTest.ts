import type { NodeSpec, TransportKind } from '../hosts/nodeSpec';
import type { TransportFailureCode } from '../transports/failureCodes';
import type { ServiceKind } from '../transports/http/orchestrator/health';
import type { ProbeResult, Transport } from '../transports/transport';
import type { EventLog } from './eventLog';
import { inOwnRound } from '../transports/probeRound';
import { mapWithConcurrency } from './pool';
import { nodeState, pushHistory, transportRecord } from './routerState';
import type { StateStore } from './stateStore';

/**
 * The runbook's connectivity test (curl the agent, ssh in, rsync --dry-run, base64 check): every
 * transport of each node probed at once, nodes in parallel up to the concurrency limit. Results
 * refresh each transport's `lastProbe` (what the tree shows and what lets a sync skip a transport
 * that just timed out); they never disable a node.
 */
export interface ProbeRow {
  node: string;
  transport: TransportKind;
  success: boolean;
  message: string;
  latencyMs: number;
  code?: TransportFailureCode;
  /** What answered on a p2p/http port: our agent or the real RingRift orchestrator. */
  service?: ServiceKind;
}

export interface ConnectivityTestDeps {
  transports: Record<TransportKind, Transport>;
  store: StateStore;
  events: EventLog;
  clock: () => number;
}

export interface ConnectivityTestOptions {
  /** Only this transport (must be in each node's chain to be tested there). */
  transport?: TransportKind;
  concurrency: number;
  signal: AbortSignal;
  /** Emit TRANSPORT_DEGRADED for each failure (the health monitor does). */
  emitDegraded?: boolean;
  onResult?: (row: ProbeRow) => void;
}

/**
 * A node whose probes still run after this long is waiting (it accepted a connection and says
 * nothing), not working: its slot goes to the next node. A healthy node answers well within it
 * (0.1-0.8 s on a loaded 2-core machine). Waiting costs no CPU, so up to this many nodes per
 * slot may wait at once, and silent nodes no longer hold a slot for a whole probe bound each.
 */
const WAITING_NODE_MS = 1500;
const WAITING_NODES_PER_SLOT = 4;

export async function testConnectivity(deps: ConnectivityTestDeps, nodes: NodeSpec[], opts: ConnectivityTestOptions): Promise<ProbeRow[]> {
  const perNode = await mapWithConcurrency(
    nodes,
    opts.concurrency,
    async (node) => {
      const kinds = opts.transport ? node.transports.filter((t) => t === opts.transport) : node.transports;
      const rows = await inOwnRound(opts.signal, (round) => Promise.all(
        kinds.map(async (kind): Promise<ProbeRow> => {
          const r: ProbeResult = await deps.transports[kind].probe(node, opts.signal, round);
          const row: ProbeRow = { node: node.name, transport: kind, success: r.success, message: r.message, latencyMs: Math.round(r.latencyMs) };
          if (r.code) row.code = r.code;
          if (r.service) row.service = r.service;
          opts.onResult?.(row);
          return row;
        }),
      ));
      await record(deps, node, rows, opts.emitDegraded ?? false);
      return rows;
    },
    opts.signal,
    { afterMs: WAITING_NODE_MS, maxInFlight: opts.concurrency * WAITING_NODES_PER_SLOT },
  );
  return perNode.flatMap((rows) => rows ?? []);
}

async function record(deps: ConnectivityTestDeps, node: NodeSpec, rows: ProbeRow[], emitDegraded: boolean): Promise<void> {
  if (rows.length === 0) return;
  const now = deps.clock();
  const time = new Date(now).toISOString();
  await deps.store.update((state) => {
    const ns = nodeState(state, node.name);
    for (const row of rows) {
      transportRecord(ns, row.transport).lastProbe = { time: now, success: row.success, message: row.message, latencyMs: row.latencyMs, code: row.code, service: row.service };
      pushHistory(ns, { time, transport: row.transport, result: row.success ? 'ok' : 'failed', error: row.success ? undefined : row.message, kind: 'probe', durationMs: row.latencyMs });
    }
  });
  if (emitDegraded) {
    for (const row of rows.filter((r) => !r.success)) {
      deps.events.emit({ type: 'TRANSPORT_DEGRADED', time, node: node.name, transport: row.transport, error: row.message });
    }
  }
}
