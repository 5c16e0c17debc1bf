/**
 * The 5,000-host hosts file: our parse + normalise + validate (parseHostsText, with source ranges)
 * against the bare `yaml` parse of the same text (what any YAML tool pays at least), and the whole
 * `ringrift-sync validate` process on it (its own row: goal <= 1 s wall, start-up included).
 * --quick: one in-process run and one process run.
 * yaml-language-server's figures come from bench/yaml-language.ts when it exists (the runner).
 *
 *   node --import tsx bench/yaml.ts [--quick] [--runs N]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { manyHostsYaml } from '../test/fixtures/hosts/manyHosts';
import { measureHostsParse } from './hosts-parse';
import { runTimed } from './lib/processes';
import { median, millis, runsText, times, type BenchOptions, type BenchRow } from './lib/rows';
import { CLI_JS, benchMain } from './lib/runChild';

const HOSTS = 5000;

/** The whole `ringrift-sync validate --json` process on the file (start-up, read, parse, checks, output): median of `runs`. */
async function validateProcessRow(text: string, runs: number): Promise<BenchRow> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-bench-yaml-'));
  const wall: number[] = [];
  const cpu: number[] = [];
  const load = os.loadavg()[0];
  try {
    const file = path.join(dir, 'distributed_hosts.yaml');
    fs.writeFileSync(file, text);
    for (let i = 0; i < runs; i++) {
      const r = await runTimed(process.execPath, [CLI_JS, 'validate', '--hosts', file, '--json'], { timeoutMs: 60_000 });
      if (r.rc !== 0) throw new Error(`validate on ${HOSTS} hosts exited ${r.rc}: ${r.output.trim().slice(-200)}`);
      wall.push(r.wallMs);
      cpu.push(r.cpuMs);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return {
    measure: `whole \`ringrift-sync validate --json\` process on ${HOSTS} hosts (${(text.length / 1e6).toFixed(1)} MB), start-up included (wall)`,
    ours: millis(median(wall)), peer: '-', ratio: '-', goal: '<= 1000 ms', met: median(wall) <= 1000,
    note: `Median of ${runs} fresh processes (dist/cli.js): wall ${runsText(wall, millis)}; CPU (user + system, GC threads included) ${runsText(cpu, millis)}; ` +
      `load average ${load.toFixed(2)} at the start on ${os.cpus().length} cores.`,
  };
}

export async function bench(opts: BenchOptions): Promise<BenchRow[]> {
  const text = manyHostsYaml(HOSTS);
  if (opts.quick) {
    const ours = measureHostsParse(HOSTS, 1);
    return [{
      measure: `hosts file of ${HOSTS} hosts: parse + normalise + validate (CPU)`,
      ours: millis(ours.cpuMs[0]), peer: 'full run only', ratio: '-', goal: '< 1000 ms', met: ours.cpuMs[0] < 1000,
      note: `One run after a warm-up (wall ${millis(ours.wallMs[0])}), from source under tsx; the bare yaml parse: full run only.`,
    }, await validateProcessRow(text, 1)];
  }
  const runs = 7;
  const ours = measureHostsParse(HOSTS, runs);
  parseDocument(text); // warm-up
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    parseDocument(text);
    const c = process.cpuUsage(c0);
    bare.push((c.user + c.system) / 1000);
  }
  const oursCpu = median(ours.cpuMs);
  return [{
    measure: `hosts file of ${HOSTS} hosts: parse + normalise + validate (CPU) vs bare yaml parseDocument`,
    ours: millis(oursCpu),
    peer: millis(median(bare)),
    ratio: `${times(median(bare) / oursCpu)} faster than the bare parse`,
    goal: '< 1000 ms',
    met: oursCpu < 1000,
    note: `${(ours.bytes / 1e6).toFixed(1)} MB, ${ours.lines} lines, ${ours.errors} errors. CPU time (steadier than wall here), median of ${runs} after a warm-up: ` +
      `ours ${runsText(ours.cpuMs, millis)} (wall ${runsText(ours.wallMs, millis)}), run from source under tsx; bare parse ${runsText(bare, millis)}. ` +
      'Files of the common shape (block maps and lists, one-line scalars, comments) skip the library\'s parser: src/core/hosts/commonYaml.ts.',
  }, await validateProcessRow(text, Math.max(5, opts.runs))];
}

benchMain(module, bench);
