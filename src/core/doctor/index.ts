/**
 * `doctor` (issue #8): names the cause of each failing transport of a node, with its evidence and
 * the runbook's fix as a command. For surfaces:
 *
 *   diagnoseNodes(nodes, deps, opts) -> DoctorReport        gather + classify, only looks
 *   classify(evidence) -> DoctorCause[]                     pure; replays recorded evidence
 *   renderReportMarkdown(report)                            the report view
 *   causeForTransport(nodeReport, transport)                the tree's tooltip
 */
export { CAUSE_IDS, CAUSE_TITLES } from './causes';
export { classify } from './classify';
export { diagnoseNodes } from './diagnose';
export type * from './evidence';
export { renderReportMarkdown } from './markdown';
export { LOSSY_MAX_MBIT, throughputObservation } from './nodeFindings';
export {
  causeForTransport, groupCauses, hasProblems, reportExitCode, type DoctorCause, type DoctorFix, type DoctorReport, type NodeReport,
} from './report';
