/** Human output: aligned tables, and colour only when stdout is a terminal (and NO_COLOR is unset). */

export interface Style {
  ok(s: string): string;
  bad(s: string): string;
  warn(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const wrap = (code: number) => (s: string) => `\x1b[${code}m${s}\x1b[0m`;
const plainStyle: Style = { ok: (s) => s, bad: (s) => s, warn: (s) => s, dim: (s) => s, bold: (s) => s };
const colourStyle: Style = { ok: wrap(32), bad: wrap(31), warn: wrap(33), dim: wrap(2), bold: wrap(1) };

export function styleFor(isTTY: boolean, env: NodeJS.ProcessEnv): Style {
  return isTTY && !env.NO_COLOR && env.TERM !== 'dumb' ? colourStyle : plainStyle;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const visibleLength = (s: string) => s.replace(ANSI, '').length;

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(header: string[], rows: string[][], style: Style = plainStyle): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => visibleLength(r[c] ?? ''))));
  const line = (r: string[]) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell + ' '.repeat(widths[c] - visibleLength(cell))))
      .join('  ')
      .trimEnd();
  return [style.bold(line(header)), ...rows.map(line)].join('\n') + '\n';
}

export { formatBytes, formatMs } from '../core/units';
