/**
 * Times parse + normalise + validate of a generated 5,000-host distributed_hosts.yaml
 * (parseHostsText: YAML with source ranges, every check, every NodeSpec).
 *
 *   npx tsx bench/hosts-parse.ts [HOSTS] [RUNS]
 *
 * Prints each run (wall and CPU time) and the medians; the target is well under a second for 5,000 hosts.
 * bench/yaml.ts calls measureHostsParse() for the runner (npm run bench).
 */
import { parseHostsText } from '../src/core/hosts';
import { manyHostsYaml } from '../test/fixtures/hosts/manyHosts';

export interface HostsParseFigures {
  hosts: number;
  bytes: number;
  lines: number;
  errors: number;
  wallMs: number[];
  cpuMs: number[];
}

export function measureHostsParse(hosts: number, runs: number, print = false): HostsParseFigures {
  const text = manyHostsYaml(hosts);
  parseHostsText(text, 'warmup.yaml'); // JIT warm-up, not counted
  const wall: number[] = [];
  const cpu: number[] = [];
  let last = parseHostsText(text, 'bench.yaml');
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    last = parseHostsText(text, 'bench.yaml');
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const errors = last.diagnostics.filter((d) => d.severity === 'error').length;
  if (print) {
    console.log(`hosts-parse: ${last.nodes.length} hosts, ${(text.length / 1e6).toFixed(2)} MB, ${text.split('\n').length} lines, ${errors} errors, ${last.diagnostics.length} diagnostics`);
    console.log(`wall (ms): ${wall.map((t) => t.toFixed(0)).join(' ')}`);
    // CPU time is steadier than wall time on a shared machine.
    console.log(`cpu  (ms): ${cpu.map((t) => t.toFixed(0)).join(' ')}`);
    console.log(`median wall ${median(wall).toFixed(0)} ms, median cpu ${median(cpu).toFixed(0)} ms, min wall ${Math.min(...wall).toFixed(0)} ms (node ${process.version}, ${runs} runs)`);
  }
  return { hosts: last.nodes.length, bytes: text.length, lines: text.split('\n').length, errors, wallMs: wall, cpuMs: cpu };
}

if (require.main === module) measureHostsParse(Number(process.argv[2] ?? 5000), Number(process.argv[3] ?? 7), true);
