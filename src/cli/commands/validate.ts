import { formatPath, type HostsDiagnostic } from '../../core/hosts';
import { boolOpt, EXIT_FAILED, EXIT_OK, type CliCommand } from '../command';
import { countBySeverity, diagnosticsSummary, formatDiagnostic, loadHostsForCommand } from '../loadHosts';

function diagnosticJson(d: HostsDiagnostic, file: string) {
  return {
    severity: d.severity,
    message: d.message,
    line: d.range.start.line,
    column: d.range.start.column,
    endLine: d.range.end.line,
    endColumn: d.range.end.column,
    path: formatPath(d.path),
    code: d.code,
    file,
    ...(d.related ? { related: { message: d.related.message, line: d.related.range.start.line, column: d.related.range.start.column } } : {}),
  };
}

export const validateCommand: CliCommand = {
  usage: 'validate [--hosts FILE] [--json]',
  help: `Prints one line per problem (file:line:column: severity: message) and a summary.
Unknown host fields are fine; warnings do not fail the check.

Exit status: 0 no errors, 1 errors found, 2 hosts file missing or unreadable.

Example:
  ringrift-sync validate --hosts ai-service/config/distributed_hosts.yaml`,
  options: {},
  allowPositionals: false,
  async run(args, io) {
    const loaded = await loadHostsForCommand('validate', args, io, 'none');
    if (!loaded.ok) return loaded.exitCode;
    const { hosts, label } = loaded;
    const { errors, warnings } = countBySeverity(hosts.diagnostics);
    if (boolOpt(args, 'json')) {
      const diagnostics = hosts.diagnostics.map((d) => diagnosticJson(d, label));
      io.stdout(JSON.stringify({ file: label, hosts: hosts.nodes.length, errors, warnings, diagnostics }, null, 2) + '\n');
    } else {
      const lines = hosts.diagnostics.map((d) => formatDiagnostic(label, d));
      io.stdout([...lines, diagnosticsSummary(label, hosts)].join('\n') + '\n');
    }
    return errors > 0 ? EXIT_FAILED : EXIT_OK;
  },
};
