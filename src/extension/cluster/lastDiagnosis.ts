import type { TransportKind } from '../../core/hosts/nodeSpec';
import { causeForTransport, groupCauses, type DoctorCause, type NodeReport } from '../../core/doctor/report';
import type { TransportRecord } from '../../core/router/routerState';
import type { TransportView } from './nodeView';

/**
 * The last `doctor` report of each node, kept for this window (the doctor changes no shared state,
 * so the CLI never sees it): the tree shows its probe results and, on a failing transport, its cause.
 */
export interface LastDiagnosis {
  /** Epoch ms when the node's report was ready. */
  at: number;
  report: NodeReport;
}

export class DiagnosisMemory {
  private readonly byNode = new Map<string, LastDiagnosis>();

  /** Skipped nodes (not diagnosed) leave an earlier diagnosis in place. */
  record(report: NodeReport, at: number): void {
    if (report.skipped) return;
    this.byNode.set(report.node, { at, report });
  }

  get(node: string): LastDiagnosis | undefined {
    return this.byNode.get(node);
  }
}

/** What the diagnosis's own probe of a transport found, as a router probe record (for nodeView). */
export function diagnosedProbe(
  d: LastDiagnosis | undefined,
  kind: TransportKind,
): TransportRecord['lastProbe'] {
  const p = d?.report.evidence?.probes.find((x) => x.transport === kind);
  return p && { time: d!.at, success: p.success, message: p.message, latencyMs: p.latencyMs, ...(p.code ? { code: p.code } : {}) };
}

/**
 * The cause a transport row's tooltip shows: only while the transport is failing (a later success
 * makes the diagnosis history), and only a cause the diagnosis named for it (or for the whole node).
 */
export function transportCause(d: LastDiagnosis | undefined, t: TransportView): DoctorCause | undefined {
  if (!d || t.health !== 'failed') return undefined;
  return causeForTransport(d.report, t.kind);
}

/** One line for the node's tooltip: `agent_not_running (p2p); disk_full (all)`, or that nothing was found. */
export function diagnosisSummary(d: LastDiagnosis): string {
  const groups = groupCauses(d.report.causes);
  if (groups.length === 0) return 'no problem found';
  return groups.map((g) => `${g.cause.cause} (${g.transports.join(', ')})${g.cause.expected ? ' expected' : ''}`).join('; ');
}
