/**
 * A node whose p2p, http and ssh ports all accept and never answer: time from `ringrift-sync
 * sync` (the router, default settings: connect timeout 5 s) to the node disabled, against the sum
 * of the per-transport timeouts a one-after-another walk would pay. Goal: <= 1.2x ONE connect
 * timeout. The per-transport bounds are measured, not assumed: `test --json` on the same node
 * reports how long each transport's probe took to give up.
 *
 *   node --import tsx bench/silent-node.ts [--quick] [--runs N]
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assertLoopback } from '../src/demo/ports';
import { DEFAULT_TRANSPORT_OPTIONS } from '../src/core/transports/transport';
import { startSilentServer } from '../test/integration/harness/processes';
import { runTimed } from './lib/processes';
import { median, runsText, seconds, times, type BenchOptions, type BenchRow } from './lib/rows';
import { CLI_JS, benchMain } from './lib/runChild';

const ADDRESS = '127.77.200.10';

interface SyncRun {
  /** Spawn of `sync` to the NODE_DISABLED event's time. */
  toDisabledMs: number;
  wallMs: number;
  attempts: string;
}

export async function bench(opts: BenchOptions): Promise<BenchRow[]> {
  assertLoopback(ADDRESS);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-bench-silent-'));
  const servers = await Promise.all([0, 1, 2].map(() => startSilentServer(ADDRESS)));
  try {
    const [p2p, http, ssh] = servers.map((s) => s.port);
    const key = path.join(dir, 'client_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', key]);
    const hosts = path.join(dir, 'distributed_hosts.yaml');
    fs.writeFileSync(hosts, ['hosts:', '  silent:', `    ssh_host: ${ADDRESS}`, `    ssh_port: ${ssh}`, `    ssh_key: ${key}`, `    p2p_port: ${p2p}`,
      `    p2p_public_port: ${http}`, `    ringrift_path: ${dir}/remote`, '    status: ready', ''].join('\n'));
    const knownHosts = path.join(dir, 'known_hosts');
    fs.writeFileSync(knownHosts, '');
    const payload = path.join(dir, 'payload.bin');
    fs.writeFileSync(payload, 'silent node bench\n');
    const common = (stateDir: string) => ['--hosts', hosts, '--state-dir', stateDir, '--known-hosts', knownHosts, '--json'];

    // Each transport's own "no answer" bound: all four probed at once, each reports its latency.
    // --quick runs it beside the syncs (both only wait on silent sockets) to save 5 s.
    const probing = runTimed(process.execPath, [CLI_JS, 'test', 'silent', ...common(fs.mkdtempSync(path.join(dir, 'state-')))], { timeoutMs: 60_000 });
    if (!opts.quick) await probing;

    const runs: SyncRun[] = [];
    for (let i = 0; i < opts.runs; i++) {
      const stateDir = fs.mkdtempSync(path.join(dir, 'state-'));
      const spawnedAt = Date.now();
      const r = await runTimed(process.execPath, [CLI_JS, 'sync', 'silent', '--path', payload, ...common(stateDir)], { timeoutMs: 120_000 });
      const result = (JSON.parse(r.stdout) as { results: Array<{ disabled: boolean; attempts: Array<{ transport: string; result: string; durationMs: number }> }> }).results[0];
      if (!result?.disabled) throw new Error(`sync did not disable the silent node: ${r.stdout.slice(0, 300)}`);
      const events = fs.readFileSync(path.join(stateDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; time: string });
      const disabled = events.find((e) => e.type === 'NODE_DISABLED');
      if (!disabled) throw new Error('no NODE_DISABLED event in events.jsonl');
      runs.push({
        toDisabledMs: Date.parse(disabled.time) - spawnedAt,
        wallMs: r.wallMs,
        attempts: result.attempts.map((a) => `${a.transport} ${a.result} ${seconds(a.durationMs)}`).join(', '),
      });
    }
    const probe = await probing;
    const probes = (JSON.parse(probe.stdout) as { results: Array<{ transport: string; success: boolean; latencyMs: number; message: string }> }).results;
    if (probes.length !== 4 || probes.some((p) => p.success)) throw new Error(`test on the silent node: expected 4 failed probes, got ${probe.stdout.slice(0, 300)}`);
    const sumMs = probes.reduce((s, p) => s + p.latencyMs, 0);
    const connectMs = DEFAULT_TRANSPORT_OPTIONS.connectTimeoutMs;
    const ours = median(runs.map((r) => r.toDisabledMs));
    const inTimeouts = ours / connectMs;
    const bounds = probes.map((p) => `${p.transport} ${seconds(p.latencyMs)}`).join(', ');
    return [{
      measure: 'silent node (every port accepts, never answers): sync to disabled, in connect timeouts',
      ours: seconds(ours),
      peer: `${seconds(sumMs)} (sum of the 4 transports' bounds)`,
      ratio: `${times(inTimeouts)} one ${seconds(connectMs)} timeout; ${times(sumMs / ours)} faster than the sum`,
      goal: '<= 1.2x one timeout',
      met: inTimeouts <= 1.2,
      note: `Ours: spawn of \`sync\` to the NODE_DISABLED event, median of ${runs.length} (${runsText(runs.map((r) => r.toDisabledMs), seconds)}); whole process ` +
        `${runsText(runs.map((r) => r.wallMs), seconds)}. Attempts: ${runs[runs.length - 1].attempts}. Each transport's own bound, from \`test\` on the same node: ${bounds} ` +
        `(connect timeout ${seconds(connectMs)}, probe timeout ${seconds(DEFAULT_TRANSPORT_OPTIONS.probeTimeoutMs)}).`,
    }];
  } finally {
    await Promise.all(servers.map((s) => s.close()));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

benchMain(module, bench);
