import * as path from 'node:path';
import { homeDir } from '../core/homeDir';
import { loadHostsFile, locateHostsFile, type HostsDiagnostic, type HostsFile } from '../core/hosts';
import { EXIT_USAGE, stringOpt, type CliIO, type ParsedArgs } from './command';

/**
 * Finding, loading and reporting on the hosts file, for every command that needs it.
 * Diagnostics print the way compilers do (`file:line:column: severity: message`) so editors and
 * terminals can jump to them.
 */
interface LoadedHosts {
  ok: true;
  /** Absolute path of the file. */
  file: string;
  /** How to show the file to the user: relative to the working directory when inside it. */
  label: string;
  hosts: HostsFile;
}
export type HostsLoad = LoadedHosts | { ok: false; exitCode: number };

/** Which diagnostics `loadHostsForCommand` prints to stderr. */
export type DiagnosticsShown = 'all' | 'errors' | 'none';

export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

export function formatDiagnostic(label: string, d: HostsDiagnostic): string {
  return `${label}:${d.range.start.line}:${d.range.start.column}: ${d.severity}: ${d.message}`;
}

export function countBySeverity(diagnostics: readonly HostsDiagnostic[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
  }
  return { errors, warnings };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `config/distributed_hosts.yaml: 2 errors, 1 warning (34 hosts)`. */
export function diagnosticsSummary(label: string, hosts: HostsFile): string {
  const { errors, warnings } = countBySeverity(hosts.diagnostics);
  const hostCount = plural(hosts.nodes.length, 'host');
  if (errors === 0 && warnings === 0) return `${label}: no problems (${hostCount})`;
  return `${label}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')} (${hostCount})`;
}

/**
 * Locates (--hosts, $RINGRIFT_HOSTS_FILE, the usual places) and loads the hosts file. A file that
 * is missing or unreadable prints one line and gives exit code 2; otherwise the chosen
 * diagnostics go to stderr and the caller decides what errors mean for its exit code.
 */
export async function loadHostsForCommand(command: string, args: ParsedArgs, io: CliIO, shown: DiagnosticsShown = 'all'): Promise<HostsLoad> {
  const located = locateHostsFile({ explicit: stringOpt(args, 'hosts'), env: io.env, cwd: io.cwd });
  if (!located.ok) {
    io.stderr(`ringrift-sync ${command}: ${located.message}\n`);
    return { ok: false, exitCode: EXIT_USAGE };
  }
  const loaded = await loadHostsFile(located.value, { homedir: homeDir(io.env) });
  const label = displayPath(located.value, io.cwd);
  if (!loaded.ok) {
    io.stderr(`ringrift-sync ${command}: ${loaded.message.replace(located.value, label)}\n`);
    return { ok: false, exitCode: EXIT_USAGE };
  }
  const hosts = loaded.value;
  if (shown !== 'none') {
    const lines = hosts.diagnostics.filter((d) => shown === 'all' || d.severity === 'error').map((d) => formatDiagnostic(label, d));
    if (lines.length > 0) io.stderr(lines.join('\n') + '\n');
  }
  return { ok: true, file: located.value, label, hosts };
}
