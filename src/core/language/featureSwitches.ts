import type { HostsDiagnostic } from '../hosts/diagnostics';

/**
 * Which editing features to run. Red Hat YAML (redhat.vscode-yaml) reads the JSON Schema this
 * extension contributes and then gives completion, hover, outline and type/syntax diagnostics
 * itself; running ours too would show each twice. With `schemaFeatures: 'auto'` ours step back
 * when that extension is installed; what only we do stays on: the transport-chain and host-name
 * checks, quick fixes, code lenses, transport highlighting, live state.
 */
export type SchemaFeaturesSetting = 'auto' | 'on' | 'off';

export interface FeatureInputs {
  /** `ringriftSync.language.enabled`. */
  enabled: boolean;
  /** `ringriftSync.language.schemaFeatures`. */
  schemaFeatures: SchemaFeaturesSetting;
  redHatYamlInstalled: boolean;
  /** `ringriftSync.language.codeLens`, `ringriftSync.language.inlineState`. */
  codeLens: boolean;
  inlineState: boolean;
}

export interface FeatureSwitches {
  /** Field, value and host-name completion and snippets (Red Hat completes from the schema). */
  completion: boolean;
  /** Hover on fields (Red Hat shows the schema's descriptions). */
  fieldHover: boolean;
  /** Hover on host names and transport types: chain, address, live state, what a transport needs. */
  hostHover: boolean;
  /** Diagnostics the schema or any YAML parser also gives (syntax, types, ranges, enums, duplicate keys). */
  schemaDiagnostics: boolean;
  /** Diagnostics only our validator gives (chain order, priorities, unknown host names, missing address...). */
  ownDiagnostics: boolean;
  /** One outline symbol per host (Red Hat outlines every key). */
  symbols: boolean;
  quickFixes: boolean;
  codeLens: boolean;
  semanticTokens: boolean;
  inlineState: boolean;
}

export function decideFeatures(inputs: FeatureInputs): FeatureSwitches {
  const on = inputs.enabled;
  const schema = on && (inputs.schemaFeatures === 'on' || (inputs.schemaFeatures === 'auto' && !inputs.redHatYamlInstalled));
  return {
    completion: schema,
    fieldHover: schema,
    hostHover: on,
    schemaDiagnostics: schema,
    ownDiagnostics: on,
    symbols: schema,
    quickFixes: on,
    codeLens: on && inputs.codeLens,
    semanticTokens: on,
    inlineState: on && inputs.inlineState,
  };
}

/**
 * Codes (diagnostics.ts, yamlDocument.ts, checkValue.ts...) of problems that Red Hat YAML reports
 * from the schema or its own parser. Everything else is ours alone.
 */
const SCHEMA_DIAGNOSTIC_CODES: ReadonlySet<string> = new Set([
  'yaml_syntax',
  'yaml_warning',
  'tab_indent',
  'multiple_documents',
  'duplicate_key',
  'duplicate_host',
  'wrong_type',
  'not_integer',
  'out_of_range',
  'port_range',
  'unknown_transport',
  'root_not_map',
  'hosts_not_map',
  'host_not_map',
]);

export function visibleDiagnostics(diagnostics: readonly HostsDiagnostic[], switches: FeatureSwitches): HostsDiagnostic[] {
  return diagnostics.filter((d) => (SCHEMA_DIAGNOSTIC_CODES.has(d.code) ? switches.schemaDiagnostics : switches.ownDiagnostics));
}
