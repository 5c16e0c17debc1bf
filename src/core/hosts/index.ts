/**
 * The hosts-file API the rest of the product uses (contract; implemented in this folder).
 *
 *   parseHostsText(text: string, fileName: string): HostsFile
 *   loadHostsFile(filePath: string): Promise<Result<HostsFile, 'unreadable'>>   // never throws
 *   locateHostsFile(opts: { explicit?: string; env: NodeJS.ProcessEnv; cwd: string }): Result<string, 'not_found'>
 *
 * HostsFile = { fileName, nodes: NodeSpec[], settings: ClusterSettings, diagnostics: HostsDiagnostic[] }
 * HostsDiagnostic = { severity: 'error'|'warning'|'info', message, path: (string|number)[], range: SourceRange, code }
 */
export * from './nodeSpec';
