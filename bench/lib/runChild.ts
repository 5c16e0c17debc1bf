/**
 * How a bench runs on its own or under the runner. Either a bench file ends with
 * `benchMain(module, bench)` and runs as `node --import tsx bench/X.ts [--quick] [--runs N]`, or
 * the runner calls an export of any module: `node --import tsx bench/lib/runChild.ts FILE EXPORT [--quick] [--runs N]`.
 * Rows go to $RINGRIFT_BENCH_ROWS_FILE (the runner's) or stdout; a failure exits 1 with one line.
 */
import * as path from 'node:path';
import { emitRows, type BenchFn, type BenchOptions } from './rows';
import { stopAll } from './processes';

export const REPO = path.resolve(__dirname, '../..');
export const CLI_JS = path.join(REPO, 'dist/cli.js');

export function parseBenchArgs(argv: string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const i = argv.indexOf('--runs');
  const runs = i >= 0 ? Number(argv[i + 1]) : quick ? 1 : 3;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs takes a whole number >= 1, got '${argv[i + 1]}'`);
  return { quick, runs };
}

async function run(fn: BenchFn, argv: string[]): Promise<void> {
  // SIGTERM from the runner (timeout): stop what we started, by PID, then go.
  process.once('SIGTERM', () => void stopAll().finally(() => process.exit(143)));
  try {
    emitRows(await fn(parseBenchArgs(argv)));
  } catch (err) {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  } finally {
    await stopAll();
  }
}

/** Runs `fn` when `mod` is the program's entry file. */
export function benchMain(mod: NodeModule, fn: BenchFn): void {
  if (require.main === mod) void run(fn, process.argv.slice(2));
}

if (require.main === module) {
  const [file, exportName, ...rest] = process.argv.slice(2);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(path.resolve(file)) as Record<string, unknown>;
  const fn = loaded[exportName];
  if (typeof fn !== 'function') {
    process.stderr.write(`bench failed: ${file} has no export '${exportName}'\n`);
    process.exitCode = 1;
  } else {
    void run(fn as BenchFn, rest);
  }
}
