/**
 * The 5,000-host hosts file: our parse + normalise + validate (parseHostsText, with source ranges)
 * against the bare `yaml` parse of the same text (what any YAML tool pays at least), and the whole
 * `ringrift-sync validate` process on it. Target: well under a second. --quick: ours only, one run.
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

export async function bench(opts: BenchOptions): Promise<BenchRow[]> {
  if (opts.quick) {
    const ours = measureHostsParse(HOSTS, 1);
    return [{
      measure: `hosts file of ${HOSTS} hosts: parse + normalise + validate (CPU)`,
      ours: millis(ours.cpuMs[0]), peer: 'full run only', ratio: '-', goal: '< 1000 ms', met: ours.cpuMs[0] < 1000,
      note: `One run after a warm-up (wall ${millis(ours.wallMs[0])}), from source under tsx; the bare yaml parse and the validate process: full run only.`,
    }];
  }
  const runs = 7;
  const ours = measureHostsParse(HOSTS, runs);
  const text = manyHostsYaml(HOSTS);
  parseDocument(text); // warm-up
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    parseDocument(text);
    const c = process.cpuUsage(c0);
    bare.push((c.user + c.system) / 1000);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-bench-yaml-'));
  const validate: number[] = [];
  try {
    const file = path.join(dir, 'distributed_hosts.yaml');
    fs.writeFileSync(file, text);
    for (let i = 0; i < opts.runs; i++) {
      const r = await runTimed(process.execPath, [CLI_JS, 'validate', '--hosts', file, '--json'], { timeoutMs: 60_000 });
      if (r.rc !== 0) throw new Error(`validate on ${HOSTS} hosts exited ${r.rc}: ${r.output.trim().slice(-200)}`);
      validate.push(r.wallMs);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const oursCpu = median(ours.cpuMs);
  return [{
    measure: `hosts file of ${HOSTS} hosts: parse + normalise + validate (CPU) vs bare yaml parseDocument`,
    ours: millis(oursCpu),
    peer: millis(median(bare)),
    ratio: `${times(oursCpu / median(bare))} the bare parse`,
    goal: '< 1000 ms',
    met: oursCpu < 1000,
    note: `${(ours.bytes / 1e6).toFixed(1)} MB, ${ours.lines} lines, ${ours.errors} errors. CPU time (steadier than wall here), median of ${runs} after a warm-up: ` +
      `ours ${runsText(ours.cpuMs, millis)} (wall ${runsText(ours.wallMs, millis)}), run from source under tsx; bare parse ${runsText(bare, millis)}. ` +
      `Whole \`ringrift-sync validate --json\` process (bundle, start-up included): ${runsText(validate, millis)}.`,
  }];
}

benchMain(module, bench);
