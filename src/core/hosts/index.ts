/**
 * The hosts-file API the rest of the product uses.
 *
 *   parseHostsText(text: string, fileName: string): HostsFile
 *   loadHostsFile(filePath: string, options?, parse?): Promise<Result<HostsFile, 'unreadable'>>   // never throws; parse: parseHostsBytes or one off the thread
 *   locateHostsFile(opts: { explicit?: string; env: NodeJS.ProcessEnv; cwd: string }): Result<string, 'not_found'>
 *
 * HostsFile = { fileName, nodes: NodeSpec[], settings: ClusterSettings, diagnostics: HostsDiagnostic[] }
 * HostsDiagnostic = { severity: 'error'|'warning'|'info', message, path: (string|number)[], range: SourceRange, code }
 *
 * Field descriptions for hover/completion: HOST_SPEC / HOSTS_FILE_SPEC in fields.ts; the JSON Schema
 * (schemas/distributed_hosts.schema.json) is buildHostsSchema()'s output.
 */
export * from './nodeSpec';
export { formatPath, type HostsDiagnostic, type HostsFile } from './diagnostics';
export { parseHostsText } from './parseHostsText';
export { loadHostsFile, locateHostsFile, parseHostsBytes, type HostsBytesParser, HOSTS_FILE_CANDIDATES, HOSTS_FILE_GLOB, HOSTS_FILE_GLOBS } from './loadHostsFile';
export { HOST_SPEC, HOSTS_FILE_SPEC } from './fields';
export type { ValueSpec } from './fieldSpec';
export { buildHostsSchema } from './schema';
export { DEFAULT_DATA_SERVER_PORT } from './defaults';
export { relayFlag, relaySkip, syncOrder } from './relayMode';
