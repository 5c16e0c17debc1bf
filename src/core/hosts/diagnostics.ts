import type { LineCounter } from 'yaml';
import type { ClusterSettings, NodeSpec, SourcePosition, SourceRange } from './nodeSpec';

export type DiagnosticSeverity = 'error' | 'warning' | 'info';
/** Keys and list indexes from the document root, e.g. `['hosts', 'vast-1', 'transports', 0, 'type']`. */
export type DiagnosticPath = Array<string | number>;

export interface HostsDiagnostic {
  severity: DiagnosticSeverity;
  /** One line that names the host and field and says what to do. */
  message: string;
  path: DiagnosticPath;
  range: SourceRange;
  /** Stable reason (`unknown_transport`, `port_range`, `yaml_syntax`, ...) for tools and tests. */
  code: string;
  /** A second place the problem involves (the first definition of a duplicate). */
  related?: { message: string; range: SourceRange };
}

export interface HostsFile {
  fileName: string;
  nodes: NodeSpec[];
  settings: ClusterSettings;
  diagnostics: HostsDiagnostic[];
}

export const START_OF_FILE: SourceRange = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

/** `hosts.vast-1.transports[0].type`; a key that would be ambiguous is quoted: `hosts["a.b"]`. */
export function formatPath(path: DiagnosticPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[^.[\]"\s]+$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/** Who a message is about: `host 'vast-1'` for anything under a host, else the dotted path. */
export function subjectOf(path: DiagnosticPath): { subject: string; rest: string } {
  if (path[0] === 'hosts' && path.length >= 2) {
    return { subject: `host '${String(path[1])}'`, rest: formatPath(path.slice(2)) };
  }
  return { subject: formatPath(path), rest: '' };
}

/** 1-based position of a string offset, for text the YAML parser never saw (bytes, NULs). */
export function positionInText(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

type Ranged = { range?: readonly [number, number, number] | null } | null | undefined;

/** Collects diagnostics, turning YAML offsets into 1-based line:column ranges. */
export class DiagnosticSink {
  readonly diagnostics: HostsDiagnostic[] = [];

  constructor(private readonly lines: LineCounter) {}

  position(offset: number): SourcePosition {
    const { line, col } = this.lines.linePos(Math.max(0, offset));
    return { line, column: col };
  }

  rangeAt(start: number, end: number): SourceRange {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }

  /** Range of a YAML node (its value, not trailing comments); `fallback` when it has none. */
  rangeOf(node: Ranged, fallback: SourceRange = START_OF_FILE): SourceRange {
    const r = node?.range;
    return r ? this.rangeAt(r[0], r[1]) : fallback;
  }

  add(d: HostsDiagnostic): void {
    this.diagnostics.push(d);
  }

  error(code: string, path: DiagnosticPath, range: SourceRange, message: string): void {
    this.add({ severity: 'error', code, path, range, message });
  }

  warning(code: string, path: DiagnosticPath, range: SourceRange, message: string): void {
    this.add({ severity: 'warning', code, path, range, message });
  }
}

/** Names of hosts that have at least one error: they are shown but not synced until fixed. */
export function hostsWithErrors(diagnostics: readonly HostsDiagnostic[]): Set<string> {
  const names = new Set<string>();
  for (const d of diagnostics) {
    if (d.severity === 'error' && d.path[0] === 'hosts' && d.path.length >= 2) names.add(String(d.path[1]));
  }
  return names;
}
