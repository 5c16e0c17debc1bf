/**
 * The hosts-file API the rest of the product uses.
 *
 *   parseHostsText(text: string, fileName: string): HostsFile
 *   loadHostsFile(filePath: string): Promise<Result<HostsFile, 'unreadable'>>   // never throws
 *   locateHostsFile(opts: { explicit?: string; env: NodeJS.ProcessEnv; cwd: string }): Result<string, 'not_found'>
 *
 * HostsFile = { fileName, nodes: NodeSpec[], settings: ClusterSettings, diagnostics: HostsDiagnostic[] }
 * HostsDiagnostic = { severity: 'error'|'warning'|'info', message, path: (string|number)[], range: SourceRange, code }
 *
 * Field descriptions for hover/completion: HOST_SPEC / HOSTS_FILE_SPEC in fields.ts; the JSON Schema
 * (schemas/distributed_hosts.schema.json) is buildHostsSchema()'s output.
 */
export * from './nodeSpec';
export { formatPath, type DiagnosticPath, type DiagnosticSeverity, type HostsDiagnostic, type HostsFile } from './diagnostics';
export { parseHostsText } from './parseHostsText';
export { loadHostsFile, locateHostsFile, HOSTS_FILE_CANDIDATES, MAX_HOSTS_FILE_BYTES } from './loadHostsFile';
export { bandwidthFor, globToRegExp } from './settings';
export { defaultChain } from './chain';
export { didYouMean } from './didYouMean';
export { HOST_SPEC, HOSTS_FILE_SPEC, TRANSPORT_ITEM_SPEC, TRANSPORT_TYPE_WORDS } from './fields';
export type { ValueSpec, MapSpec } from './fieldSpec';
export { buildHostsSchema } from './schema';
export { DEFAULT_DATA_SERVER_PORT, DEFAULT_P2P_PORT, DEFAULT_RINGRIFT_PATH, DEFAULT_SSH_PORT, DEFAULT_STATUS, DEFAULT_USER } from './defaults';
export { relayFlag, relaySkip, syncOrder } from './relayMode';
