/**
 * `npm run bench [-- --quick] [-- --only NAME,...]`: builds, runs every bench in its own process
 * group (stopped by PID on a timeout), collects their rows, writes BENCHMARKS.md and prints the
 * table. A bench that fails shows as a FAILED row; the file is still written and the exit code is 1.
 * --quick (under a minute): smaller fleet and files, one repetition; full: three repetitions.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { activationRow } from './extension';
import { startTracked, stopAll } from './lib/processes';
import { benchmarksMarkdown, noteMachine, tableMarkdown, writeAtomically } from './lib/report';
import { failedRow, ROWS_FILE_ENV, type BenchRow } from './lib/rows';
import { REPO } from './lib/runChild';
import { STALL_MEASURE, stallRow } from './lib/stallReport';

interface BenchSpec {
  name: string;
  /** A file that ends with benchMain(), or [file, export] run through bench/lib/runChild.ts. */
  entry: string | [string, string];
  /** Rows shown as FAILED when the bench fails before reporting. */
  measures: string[];
  timeoutMin: { quick: number; full: number };
  /** Rows instead of running, in --quick (too slow for a minute). */
  quickRows?: () => BenchRow[];
  /** Optional bench another engineer owns: a missing file is a row, not a failure. */
  optional?: boolean;
}

const SPECS: BenchSpec[] = [
  { name: 'fleet-test', entry: 'bench/fleet-test.ts', measures: ['test --all on the loopback fleet vs the runbook loop'], timeoutMin: { quick: 3, full: 50 } },
  { name: 'silent-node', entry: 'bench/silent-node.ts', measures: ['silent node: sync to disabled'], timeoutMin: { quick: 2, full: 5 } },
  { name: 'push-p2p', entry: ['bench/push-speed.ts', 'p2pRows'], measures: ['push over p2p vs curl -T'], timeoutMin: { quick: 2, full: 10 } },
  // Needs root (a network namespace for the real orchestrator, as the integration tests): fails, never skips.
  { name: 'push-orchestrator', entry: 'bench/push-orchestrator.ts', measures: ['push over p2p to the real RingRift orchestrator vs curl -F'], timeoutMin: { quick: 5, full: 15 } },
  { name: 'push-base64', entry: ['bench/push-speed.ts', 'base64Rows'], measures: ['push over base64 vs the shell pipeline'], timeoutMin: { quick: 2, full: 10 } },
  { name: 'push-rsync', entry: ['bench/push-speed.ts', 'rsyncRows'], measures: ['push over rsync vs plain rsync'], timeoutMin: { quick: 2, full: 10 } },
  // Needs root (the network lab's namespaces, as the lab tests): fails, never skips.
  { name: 'wan', entry: 'bench/wan.ts', measures: ['WAN rows of the network lab (p2p, rsync, base64 vs their peers; the 16 MiB-reset link)'], timeoutMin: { quick: 3, full: 20 } },
  // Needs root (the network lab's namespaces): 16 nodes, the client's uplink capped at 100 Mbit/s.
  {
    name: 'fanout', entry: 'bench/fanout.ts', timeoutMin: { quick: 8, full: 30 },
    measures: ['256 MiB to 16 nodes: sync --all --fanout vs sync --all, wall time', '256 MiB to 16 nodes: bytes over the operator\'s uplink'],
  },
  { name: 'tree', entry: 'bench/tree.ts', measures: ['a tree of 2,000 files: first and second sync over rsync vs rsync -a'], timeoutMin: { quick: 3, full: 10 } },
  { name: 'push-rss', entry: 'bench/push-rss.ts', measures: ['peak RSS growth while pushing'], timeoutMin: { quick: 2, full: 15 } },
  { name: 'yaml', entry: 'bench/yaml.ts', measures: ['hosts file of 5000 hosts: parse + validate', 'whole validate process on 5000 hosts'], timeoutMin: { quick: 1, full: 5 } },
  { name: 'yaml-language', entry: 'bench/yaml-language.ts', measures: ['YAML editing help on 5000 hosts vs yaml-language-server (bench/yaml-language.ts)'], timeoutMin: { quick: 2, full: 10 }, optional: true },
  {
    name: 'extension', entry: 'bench/extension.ts', measures: ['extension activation time', STALL_MEASURE, '.vsix size'], timeoutMin: { quick: 1, full: 5 },
    quickRows: () => [activationRow(), stallRow(REPO), { measure: '.vsix size (vsce package --no-dependencies)', ours: 'full run only', peer: '-', ratio: '-', goal: '-', note: 'vsce package takes 10-15 s: skipped in --quick.' }],
  },
];

const started = Date.now();
const log = (line: string) => process.stderr.write(`[bench +${((Date.now() - started) / 1000).toFixed(0)}s] ${line}\n`);

async function runSpec(spec: BenchSpec, quick: boolean, logFile: string): Promise<BenchRow[]> {
  const file = typeof spec.entry === 'string' ? spec.entry : spec.entry[0];
  if (!fs.existsSync(path.join(REPO, file))) {
    if (spec.optional) return [{ measure: spec.measures[0], ours: 'not measured', peer: '-', ratio: '-', goal: '-', note: `${file} does not exist yet; the runner runs it when it does.` }];
    return spec.measures.map((m) => failedRow(m, `${file} is missing`));
  }
  if (quick && spec.quickRows) return spec.quickRows();
  // A bench written before the rows contract (bench/README.md) takes no flags: full run only.
  const source = fs.readFileSync(path.join(REPO, file), 'utf8');
  const speaksRows = typeof spec.entry !== 'string' || source.includes('benchMain(') || source.includes(ROWS_FILE_ENV);
  if (!speaksRows && quick) {
    return [{ measure: spec.measures[0], ours: 'full run only', peer: '-', ratio: '-', goal: '-', note: `${file} takes no --quick yet (see bench/README.md): full run only.` }];
  }
  const rowsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-bench-rows-')), 'rows.json');
  const flags = quick ? ['--quick'] : [];
  const args = typeof spec.entry === 'string' ? [spec.entry, ...flags] : ['bench/lib/runChild.ts', ...spec.entry, ...flags];
  const t0 = Date.now();
  const child = startTracked(process.execPath, ['--import', 'tsx', ...args], {
    group: true, cwd: REPO, env: { ...process.env, [ROWS_FILE_ENV]: rowsFile, RINGRIFT_BENCH_BUILT: '1' },
  });
  const limitMs = (quick ? spec.timeoutMin.quick : spec.timeoutMin.full) * 60_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void child.stop(5000);
  }, limitMs);
  const code = await child.exited;
  clearTimeout(timer);
  const output = child.output();
  fs.appendFileSync(logFile, `\n===== ${spec.name} (exit ${code}, ${((Date.now() - t0) / 1000).toFixed(0)} s) =====\n${output}\n`);
  let rows: BenchRow[] | undefined;
  try {
    rows = JSON.parse(fs.readFileSync(rowsFile, 'utf8')) as BenchRow[];
  } catch {
    /* no rows written */
  }
  fs.rmSync(path.dirname(rowsFile), { recursive: true, force: true });
  if (code === 0 && rows?.length) return rows;
  if (code === 0 && !speaksRows) {
    const printed = output.trim().split('\n').map((l) => l.replace(/\s+/g, ' ').trim()).filter(Boolean).join(' / ');
    return [{ measure: spec.measures[0], ours: 'see note', peer: 'see note', ratio: '-', goal: '-', note: `${file} reports no rows yet (see bench/README.md); it printed: ${printed.slice(0, 2000)}` }];
  }
  const lastLine = output.trim().split('\n').filter((l) => l.trim()).pop() ?? 'no output';
  const reason = timedOut ? `${spec.name} did not finish in ${limitMs / 60_000} min; stopped` : code === 0 ? `${spec.name} reported no figures: ${lastLine}` : `${spec.name} exited ${code}: ${lastLine}`;
  return spec.measures.map((m) => failedRow(m, reason));
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt >= 0 ? (argv[onlyAt + 1] ?? '').split(',') : undefined;
  const specs = only ? SPECS.filter((s) => only.includes(s.name)) : SPECS;
  if (only && specs.length !== only.length) {
    process.stderr.write(`bench: --only takes names from: ${SPECS.map((s) => s.name).join(', ')}\n`);
    return 2;
  }
  const machine = noteMachine(REPO);
  const startedAt = new Date();
  const logFile = path.join(os.tmpdir(), `ringrift-bench-${startedAt.toISOString().replace(/[:.]/g, '-')}.log`);
  log(`${quick ? 'quick' : 'full'} run on ${machine.cores} cores, load ${machine.loadAtStart.map((x) => x.toFixed(2)).join(' ')}; bench output goes to ${logFile}`);
  const rows: BenchRow[] = [];
  let built = true;
  try {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    built = false;
    const reason = `the build (node scripts/build.mjs) failed: ${String((err as { stderr?: Buffer }).stderr ?? err).trim().split('\n')[0]}`;
    for (const s of specs) rows.push(...s.measures.map((m) => failedRow(m, reason)));
  }
  if (built) {
    for (const spec of specs) {
      log(`${spec.name}: running`);
      const t0 = Date.now();
      const got = await runSpec(spec, quick, logFile);
      log(`${spec.name}: ${got.some((r) => r.failed) ? 'FAILED' : 'done'} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      rows.push(...got);
    }
  }
  machine.loadAtEnd = os.loadavg();
  const wallS = (Date.now() - started) / 1000;
  if (!only) writeAtomically(path.join(REPO, 'BENCHMARKS.md'), benchmarksMarkdown(rows, machine, quick ? 'quick' : 'full', startedAt, wallS));
  const failures = rows.filter((r) => r.failed).map((r) => `FAILED: ${r.measure}: ${r.failed}\n`).join('');
  process.stdout.write(`${tableMarkdown(rows)}\n\n${failures}${only ? 'BENCHMARKS.md not written (--only)' : 'written to BENCHMARKS.md'}; ${wallS.toFixed(0)} s; bench output: ${logFile}\n`);
  return rows.some((r) => r.failed) ? 1 : 0;
}

process.once('SIGINT', () => void stopAll().finally(() => process.exit(130)));
process.once('SIGTERM', () => void stopAll().finally(() => process.exit(143)));
main().then(
  (code) => (process.exitCode = code),
  async (err) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    await stopAll();
    process.exitCode = 1;
  },
);
