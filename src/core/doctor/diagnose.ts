import type { NodeSpec } from '../hosts/nodeSpec';
import { mapWithConcurrency } from '../router/pool';
import { classify } from './classify';
import { gatherEvidence, type DoctorDeps, type GatherOptions } from './gather';
import type { DoctorReport, NodeReport } from './report';

/**
 * `doctor` for a set of nodes: gather each node's evidence (nodes in parallel up to
 * `concurrency`), classify it, and return the report. Only looks; nothing on a node, in
 * known_hosts or in the router state is changed.
 */

export interface DiagnoseOptions extends GatherOptions {
  concurrency: number;
  /** Nodes whose status is not `ready` are listed as skipped instead of diagnosed (for --all). */
  skipNotReady?: boolean;
  /** Called as each node's report is ready (progress). */
  onNode?: (report: NodeReport) => void;
}

/** Why a node is not diagnosed under --all, or undefined. */
function skipReason(node: NodeSpec): string | undefined {
  if (node.status === 'ready') return undefined;
  return `status is '${node.status}' in the hosts file (only 'ready' nodes are synced); name it to diagnose it anyway`;
}

async function diagnoseNode(node: NodeSpec, deps: DoctorDeps, opts: GatherOptions): Promise<NodeReport> {
  const evidence = await gatherEvidence(node, deps, opts);
  return { node: node.name, causes: classify(evidence), evidence };
}

export async function diagnoseNodes(nodes: NodeSpec[], deps: DoctorDeps, opts: DiagnoseOptions): Promise<DoctorReport> {
  const reports = await mapWithConcurrency(
    nodes,
    opts.concurrency,
    async (node): Promise<NodeReport> => {
      const skipped = opts.skipNotReady ? skipReason(node) : undefined;
      const report = skipped ? { node: node.name, causes: [], skipped } : await diagnoseNode(node, deps, opts);
      opts.onNode?.(report);
      return report;
    },
    opts.signal,
  );
  // Nodes never started (cancelled) are left out rather than reported healthy.
  return { nodes: reports.filter((r): r is NodeReport => r !== undefined) };
}
