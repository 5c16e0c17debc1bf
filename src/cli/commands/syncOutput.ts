import { madeProgress, type SyncResult } from '../../core/router';
import type { FanoutResult } from '../../core/fanout/results';
import type { TreeSyncResult } from '../../core/tree/syncTree';
import type { CliIO } from '../command';
import { formatBytes, formatMs, styleFor, table } from '../format';
import { fanoutCells, pullFailures } from './syncFanout';

/** What `sync` prints: the results table, the files of a tree, and progress on stderr. */

/** A plain sync's rows come from this machine; a fan-out's say where (`sync --json` has both fields). */
export type ShownResult = SyncResult | FanoutResult;
const isFanout = (r: ShownResult): r is FanoutResult => 'route' in r;

export function renderSyncResults(results: ShownResult[], io: CliIO): string {
  const style = styleFor(io.isTTY, io.env);
  // A try that moved the node's partial forward is a resume (↻), not a failure (✗).
  const step = (a: SyncResult['attempts'][number]) =>
    a.result === 'ok' ? style.ok(a.transport) : a.result === 'skipped' ? style.dim(`(${a.transport})`) : madeProgress(a) ? style.dim(`${a.transport}↻`) : style.bad(`${a.transport}✗`);
  const fanout = results.some(isFanout);
  const rows = results.map((r) => {
    const cells = isFanout(r) ? fanoutCells(r, style) : undefined;
    const path = [...(cells?.pulls ?? []), ...r.attempts.map(step)].join(' → ');
    const notTried = !r.success && !r.disabled && r.attempts.length === 0;
    const result = r.success ? style.ok('ok') : r.disabled ? style.bad('DISABLED') : notTried ? style.dim('SKIPPED') : style.bad('FAILED');
    const took = r.attempts.reduce((ms, a) => ms + a.durationMs, 0) + (isFanout(r) ? (r.pulls ?? []).reduce((ms, p) => ms + p.durationMs, 0) : 0);
    const where = cells && isFanout(r) ? [cells.source, String(r.wave)] : [];
    return [r.node, result, ...where, r.transportUsed ?? '-', path || '-', r.success ? formatBytes(r.bytes) : '', formatMs(took), r.message];
  });
  let out = table(['NODE', 'RESULT', ...(fanout ? ['SOURCE', 'WAVE'] : []), 'VIA', 'ATTEMPTS', 'SIZE', 'TIME', 'MESSAGE'], rows, style);
  const errors = [
    ...results.flatMap((r) => r.attempts.filter((a) => a.result === 'failed' && !madeProgress(a)).map((a) => `  ${r.node} ${a.transport}: ${a.error}`)),
    ...pullFailures(results.filter(isFanout)),
  ];
  if (errors.length) out += `\nFailures:\n${errors.join('\n')}\n`;
  const resumes = results.flatMap((r) => r.attempts.filter(madeProgress).map((a) => `  ${r.node} ${a.transport}: moved ${formatBytes(a.bytesMoved ?? 0)}, resumed from ${formatBytes(a.partialBytes ?? 0)} (${a.error})`));
  if (resumes.length) out += `\nResumed after a cut:\n${resumes.join('\n')}\n`;
  return out;
}

/** Per node: files sent, already there, deleted; and each file a transport refused, with who took it. */
export function renderFiles(results: TreeSyncResult[], io: CliIO): string {
  const style = styleFor(io.isTTY, io.env);
  const lines = results.map((r) => {
    const f = r.files;
    const deleted = f.deleted ? `, ${f.deleted} deleted` : '';
    let line = `  ${r.node}: ${f.total} files: ${f.sent} sent, ${f.skipped} already there${deleted}`;
    for (const x of f.refused) {
      line += `\n    ${style.dim(`${x.transport} refused`)} ${JSON.stringify(x.path)} (${x.reason})${x.sentBy ? `: sent over ${x.sentBy}` : ': not sent'}`;
    }
    return line;
  });
  return `\nFiles:\n${lines.join('\n')}\n`;
}

/** One line per node on stderr, repainted at most every 500 ms (a line each time when not a terminal); nothing with --json. */
export function progressPainter(io: CliIO, json: boolean): { paint(node: string, text: string): void; clear(): void } {
  const lines = new Map<string, string>();
  let lastPaint = 0;
  return {
    paint(node, text) {
      if (json) return;
      lines.set(node, text);
      const now = Date.now();
      if (now - lastPaint < 500) return;
      lastPaint = now;
      io.stderr(io.isTTY ? `\r\x1b[K${[...lines.values()].join('  ')}` : `${[...lines.values()].join('  ')}\n`);
    },
    clear() {
      if (io.isTTY && !json && lines.size) io.stderr('\r\x1b[K');
    },
  };
}
