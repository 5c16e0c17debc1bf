/**
 * Editing help for distributed_hosts.yaml, without an editor: the extension's providers
 * (src/extension/language) only translate these answers into VS Code objects.
 *
 *   const doc = new HostsDocument(fileName, homedir); doc.update(text)   // incremental validation
 *   doc.diagnostics        // === parseHostsText(text).diagnostics
 *   completionsAt(doc, pos), hoverAt(doc, pos, liveState), quickFixesAt(doc, range),
 *   semanticTokens(doc), hostSymbols(doc), hostLenses(doc), inlineStates(doc, liveState)
 *
 * Positions and ranges are 1-based line:column, as in HostsDiagnostic.
 */
export { HostsDocument, type HostSummary, type ValidationStats } from './hostsDocument';
export { completionsAt, type CompletionEntry } from './completion';
export { hoverAt, type HoverResult } from './hover';
export { quickFixesAt, type QuickFix, type TextEdit } from './quickFixes';
export { semanticTokens, TOKEN_MODIFIERS, TOKEN_TYPES, type SemanticToken, type TokenModifier, type TokenType } from './semanticTokens';
export { hostLenses, hostSymbols, inlineStates, type HostLens, type HostSymbol, type InlineState, type LensAction } from './outline';
export { liveStateFromRouter, liveStateLabel, NO_LIVE_STATE, type LiveStateLookup, type NodeLiveState } from './liveState';
export { decideFeatures, SCHEMA_DIAGNOSTIC_CODES, visibleDiagnostics, type FeatureInputs, type FeatureSwitches, type SchemaFeaturesSetting } from './featureSwitches';
