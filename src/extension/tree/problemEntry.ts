import * as path from 'node:path';
import type { HostsDiagnostic } from '../../core/hosts';
import { escapeMarkdown } from './markdown';
import type { EntryIcon, FileLocation, TreeEntry } from './treeEntry';

const ICONS: Record<HostsDiagnostic['severity'], EntryIcon> = {
  error: { id: 'error', color: 'errorForeground' },
  warning: { id: 'warning', color: 'editorWarning.foreground' },
  info: { id: 'info' },
};

export interface Problem {
  /** Short row text. */
  label: string;
  /** The whole message an operator acts on; the row's tooltip. */
  message: string;
  severity: HostsDiagnostic['severity'];
  location?: FileLocation;
}

/** A row for something wrong with the hosts file: missing, unreadable, or an error inside it. */
export function problemEntry(problem: Problem, index: number): TreeEntry {
  const where = problem.location
    ? `${path.basename(problem.location.file)}:${problem.location.line}:${problem.location.column}`
    : undefined;
  return {
    id: `problem/${index}/${problem.label}`,
    kind: 'problem',
    label: problem.label,
    description: where,
    tooltip: escapeMarkdown(problem.message),
    icon: ICONS[problem.severity],
    contextValue: 'problem',
    children: [],
    location: problem.location,
    onClick: problem.location !== undefined ? 'openLocation' : undefined,
  };
}

/** An error diagnostic of the file as a problem row, with `file:line:column` in its tooltip. */
export function diagnosticProblem(diagnostic: HostsDiagnostic, file: string): Problem {
  const { line, column } = diagnostic.range.start;
  return {
    label: diagnostic.message,
    message: `${file}:${line}:${column}: ${diagnostic.message}`,
    severity: diagnostic.severity,
    location: { file, line, column },
  };
}
