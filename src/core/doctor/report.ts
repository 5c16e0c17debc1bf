import type { TransportKind } from '../hosts/nodeSpec';
import type { CauseId } from './causes';
import type { NodeEvidence } from './evidence';

/**
 * What `doctor` hands to its surfaces (CLI JSON and text, the extension's report view and
 * tooltips). JSON shape of issue #8: `{"nodes":[{"node","causes":[{"transport","cause","evidence",
 * "fix":{"title","command"}}]}]}`; fields may be added, never renamed.
 */

/** One thing checked, and what came back. */
export interface Observation {
  /** What was tried: `p2p probe`, `tcp 10.0.0.5:8770`, `ssh banner 10.0.0.5:22`, `agent /status`, `history`. */
  check: string;
  /** Short outcome word: `ok`, `refused`, `timeout`, `silent`, `auth_failed`, ... */
  result: string;
  latencyMs?: number;
  /** The check's own one-line message. */
  detail: string;
}

interface CauseEvidence {
  /** One line: why this cause, from what answered and what did not. */
  summary: string;
  tried: Observation[];
  /** What else the same observations could mean (empty when they prove the cause). */
  couldAlsoBe: string[];
}

export interface DoctorFix {
  title: string;
  /** Ready to copy into a terminal; values filled in and shell-quoted. */
  command: string;
  /**
   * What running it changes: the node, this machine (known_hosts, router state, a package), or
   * nothing (it only looks). Surfaces show commands and ask; nothing is run unasked.
   */
  changes: 'node' | 'local' | 'nothing';
  /**
   * `here`: a terminal on this machine; `node`: a shell on the node itself (its provider console,
   * when SSH is what is broken); `settings`: a VS Code settings.json line, not a shell command.
   */
  runOn: 'here' | 'node' | 'settings';
}

export interface DoctorCause {
  /** The failing transport, or `all` for what stops every transport (disk, a disabled node). */
  transport: TransportKind | 'all';
  cause: CauseId;
  /**
   * The hosts file already says so (p2p of a `nat_blocked: true` node, which syncs skip): shown to
   * explain the failure, not counted as a problem (exit code, "with problems").
   */
  expected?: true;
  evidence: CauseEvidence;
  fix: DoctorFix;
}

export interface NodeReport {
  node: string;
  causes: DoctorCause[];
  /** Set when the node was not diagnosed (e.g. `status: terminated` under --all), and why. */
  skipped?: string;
  /** Everything observed; `classify(evidence)` replays it. Absent for skipped nodes. */
  evidence?: NodeEvidence;
}

export interface DoctorReport {
  nodes: NodeReport[];
}

/** 0 when no node has a cause, 1 otherwise (CLI exit code and "all good" badges). */
export function reportExitCode(report: DoctorReport): 0 | 1 {
  return report.nodes.some(hasProblems) ? 1 : 0;
}

/** The node has a cause that is not expected by its hosts-file entry. */
export function hasProblems(n: NodeReport): boolean {
  return n.causes.some((c) => !c.expected);
}

/** The cause to show beside one transport of a node (the tree's tooltip), if any. */
export function causeForTransport(report: NodeReport, transport: TransportKind): DoctorCause | undefined {
  return report.causes.find((c) => c.transport === transport) ?? report.causes.find((c) => c.transport === 'all');
}

/**
 * Causes that share a cause id and fix command, merged for display ("p2p, http: agent_not_running"):
 * node_offline names every transport but has one fix.
 */
export interface CauseGroup {
  transports: Array<TransportKind | 'all'>;
  cause: DoctorCause;
}

export function groupCauses(causes: DoctorCause[]): CauseGroup[] {
  const groups: CauseGroup[] = [];
  for (const c of causes) {
    const same = groups.find((g) => g.cause.cause === c.cause && g.cause.fix.command === c.fix.command);
    if (same) same.transports.push(c.transport);
    else groups.push({ transports: [c.transport], cause: c });
  }
  return groups;
}
