/**
 * Editing help for distributed_hosts.yaml, without an editor: the extension's providers
 * (src/extension/language) only translate these answers into VS Code objects.
 *
 *   const doc = new HostsDocument(fileName, homedir); doc.update(text)   // incremental validation
 *   await doc.updateInSlices(text, EVENT_LOOP_SLICING)                    // the same, yielding between slices (../slicedRun)
 *   doc.diagnostics        // === parseHostsText(text).diagnostics
 *   completionsAt(doc, pos), hoverAt(doc, pos, liveState), quickFixesAt(doc, range),
 *   semanticTokens(doc), doc.hosts.map(hostSymbol), hostLenses(doc), inlineStates(doc, liveState)
 *
 * Positions and ranges are 1-based line:column, as in HostsDiagnostic.
 */
export { HostsDocument } from './hostsDocument';
export { completionsAt, type CompletionEntry } from './completion';
export { hoverAt } from './hover';
export { quickFixesAt, type QuickFix } from './quickFixes';
export { semanticTokens, semanticTokenSteps, TOKEN_MODIFIERS, TOKEN_TYPES } from './semanticTokens';
export { hostLenses, hostSymbol, inlineStates, type LensAction, type LineSpan } from './outline';
export { liveStateFromRouter, liveStateLabel, type LiveStateLookup, type NodeLiveState } from './liveState';
export { decideFeatures, visibleDiagnostics, type FeatureInputs, type FeatureSwitches } from './featureSwitches';
export type { HostSummary } from './blockAssembly';
