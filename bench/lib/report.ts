import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { BenchRow } from './rows';

/** The machine a run was on, as BENCHMARKS.md notes it. */
export interface MachineNote {
  cores: number;
  cpuModel: string;
  memGiB: number;
  node: string;
  kernel: string;
  loadAtStart: number[];
  loadAtEnd?: number[];
  commit: string;
}

export function noteMachine(repo: string): MachineNote {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repo, encoding: 'utf8' }).trim();
    if (dirty) commit += ' with uncommitted changes';
  } catch {
    /* not a git checkout */
  }
  return {
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
    memGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    loadAtStart: os.loadavg(),
    commit,
  };
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');

function metText(r: BenchRow): string {
  if (r.failed) return 'FAILED';
  return r.met === undefined ? '-' : r.met ? 'yes' : 'NO';
}

/** The table alone (also what the runner prints). */
export function tableMarkdown(rows: BenchRow[]): string {
  const lines = ['| # | measure | ours | peer | ratio | goal | met? |', '|---|---|---|---|---|---|---|'];
  rows.forEach((r, i) => lines.push(`| ${i + 1} | ${[r.measure, r.ours, r.peer, r.ratio, r.goal, metText(r)].map(cell).join(' | ')} |`));
  return lines.join('\n');
}

export function benchmarksMarkdown(rows: BenchRow[], machine: MachineNote, mode: 'full' | 'quick', startedAt: Date, wallS: number): string {
  const notes = rows.map((r, i) => `${i + 1}. ${r.failed ? `**FAILED**: ${cell(r.failed)}` : cell(r.note ?? '')}`);
  return [
    '# Benchmarks',
    '',
    `Written by \`npm run bench${mode === 'quick' ? ' -- --quick' : ''}\` (${mode} run, ${Math.round(wallS)} s) on ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC ` +
      `at commit ${machine.commit}. Generated: do not edit by hand; run it again.`,
    '',
    `Machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memGiB.toFixed(1)} GiB memory, ${machine.kernel}, Node ${machine.node}. ` +
      `Load average (1/5/15 min) at start ${load(machine.loadAtStart)}${machine.loadAtEnd ? `, at end ${load(machine.loadAtEnd)}` : ''}.`,
    'A shared machine: other work ran beside this run, so wall times are noisy; CPU times are given where they are the fairer measure. ' +
      'Every node, agent and server ran on loopback (127.0.0.0/8); on loopback the nodes\' CPU (sshd, agents) shares the client\'s cores.',
    mode === 'quick' ? '\n**Quick run**: smaller fleet and files, one repetition, the sequential loop estimated from a sample; use the full run for figures to quote.' : '',
    '',
    'Ratios: "faster" is the peer\'s time over ours; throughput ratios are ours over the peer\'s (higher is better). Medians of the repetitions in each note.',
    '',
    tableMarkdown(rows),
    '',
    '## How each row was measured',
    '',
    ...notes,
    '',
  ].join('\n');
}

/** Writes atomically: a reader never sees half a file. */
export function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
