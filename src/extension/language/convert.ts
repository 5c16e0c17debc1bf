import * as vscode from 'vscode';
import type { HostsDiagnostic, SourcePosition, SourceRange } from '../../core/hosts';

/** Core positions are 1-based line:column (as the CLI prints them); VS Code's are 0-based. */
const toPosition = (p: SourcePosition) => new vscode.Position(Math.max(0, p.line - 1), Math.max(0, p.column - 1));
export const toRange = (r: SourceRange) => new vscode.Range(toPosition(r.start), toPosition(r.end));
export const fromPosition = (p: vscode.Position): SourcePosition => ({ line: p.line + 1, column: p.character + 1 });
export const fromRange = (r: vscode.Range): SourceRange => ({ start: fromPosition(r.start), end: fromPosition(r.end) });

export const DIAGNOSTIC_SOURCE = 'ringrift-sync';

const SEVERITY: Record<HostsDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export function toDiagnostic(d: HostsDiagnostic, document: vscode.TextDocument): vscode.Diagnostic {
  const out = new vscode.Diagnostic(document.validateRange(toRange(d.range)), d.message, SEVERITY[d.severity]);
  out.source = DIAGNOSTIC_SOURCE;
  out.code = d.code;
  if (d.related) out.relatedInformation = [new vscode.DiagnosticRelatedInformation(new vscode.Location(document.uri, toRange(d.related.range)), d.related.message)];
  return out;
}
