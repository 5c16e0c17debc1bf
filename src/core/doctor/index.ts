/**
 * `doctor` (issue #8): names the cause of each failing transport of a node, with its evidence and
 * the runbook's fix as a command. For surfaces:
 *
 *   diagnoseNodes(nodes, deps, opts) -> DoctorReport        gather + classify, only looks
 *   classify(evidence) -> DoctorCause[]                     pure; replays recorded evidence
 *   renderReportMarkdown(report) / renderNodeMarkdown(node) the report view
 *   causeForTransport(nodeReport, transport)                the tree's tooltip
 */
export { CAUSE_IDS, CAUSE_TITLES, isCauseId, type CauseId } from './causes';
export { classify, findCauses, type Finding } from './classify';
export { diagnoseNode, diagnoseNodes, skipReason, type DiagnoseOptions } from './diagnose';
export type * from './evidence';
export { DEFAULT_MIN_FREE_BYTES, gatherEvidence, type DoctorDeps, type GatherOptions } from './gather';
export { renderNodeMarkdown, renderReportMarkdown } from './markdown';
export { LOSSY_MAX_MBIT, LOSSY_MIN_RTT_MS, throughputObservation } from './nodeFindings';
export { MEASURE_BYTES } from './measure';
export {
  causeForTransport, groupCauses, hasProblems, reportExitCode,
  type CauseEvidence, type CauseGroup, type DoctorCause, type DoctorFix, type DoctorReport, type NodeReport, type Observation,
} from './report';
