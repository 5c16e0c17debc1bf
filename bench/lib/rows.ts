import * as fs from 'node:fs';

/**
 * One row of BENCHMARKS.md. Every bench returns rows; the runner only lays them out. `ratio` is
 * text because its direction depends on the measure (each row's note says which way it reads).
 */
export interface BenchRow {
  /** What is measured, e.g. "test --all, 200 nodes: ours vs sequential runbook loop". */
  measure: string;
  ours: string;
  peer: string;
  ratio: string;
  goal: string;
  /** true/false when there is a goal; undefined when there is none (shown as "-"). */
  met?: boolean;
  /** How it was measured, the runs, CPU time: shown as a footnote. */
  note?: string;
  /** The bench itself failed: the row shows FAILED and the reason. */
  failed?: string;
}

/** What a bench module exports for the runner (bench/lib/runChild.ts calls it in a child process). */
export interface BenchOptions {
  quick: boolean;
  /** Repetitions whose median is reported. */
  runs: number;
}
export type BenchFn = (opts: BenchOptions) => Promise<BenchRow[]>;

/** Env var naming the file a bench child writes its rows to (JSON array). */
export const ROWS_FILE_ENV = 'RINGRIFT_BENCH_ROWS_FILE';

/** Writes rows where the runner looks for them; standalone runs print them. */
export function emitRows(rows: BenchRow[]): void {
  const file = process.env[ROWS_FILE_ENV];
  if (file) fs.writeFileSync(file, JSON.stringify(rows, null, 2));
  else for (const r of rows) console.log(`${r.measure}: ours ${r.ours} | peer ${r.peer} | ${r.ratio} | goal ${r.goal} | ${r.met === undefined ? '-' : r.met ? 'met' : 'MISSED'}${r.note ? `\n    ${r.note}` : ''}`);
}

export function failedRow(measure: string, reason: string): BenchRow {
  return { measure, ours: '-', peer: '-', ratio: '-', goal: '-', failed: reason };
}

export const median = (xs: number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
export const millis = (ms: number): string => `${ms.toFixed(0)} ms`;
export const mbPerS = (bytes: number, ms: number): number => bytes / 1e6 / (ms / 1000);
export const times = (x: number): string => `${x.toFixed(x >= 10 ? 1 : 2)}x`;
export const runsText = (xs: number[], fmt: (x: number) => string): string => xs.map(fmt).join(', ');
