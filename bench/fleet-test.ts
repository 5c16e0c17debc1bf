/**
 * `ringrift-sync test --all` on a loopback fleet (200 nodes full, 40 quick; one in eight dead, one
 * in eight silent) against the runbook's curl / ssh / rsync commands for the same nodes in a
 * sequential bash loop, and under `xargs -P` at our concurrency. Goals: >= 20x the sequential loop,
 * >= 2x xargs.
 *
 *   node --import tsx bench/fleet-test.ts [--quick] [--runs N]
 *
 * The sequential loop costs minutes (each silent node: curl --max-time 8 + ssh 5 + rsync 5): it is
 * estimated from a sample of each kind timed in sequence, scaled by the kind counts (a quarter of
 * each kind in the full run, a few nodes in --quick, which also skips xargs). CPU time is reported beside wall time: the client's (with every child it waited
 * for) and the nodes' (every sshd with its sessions, and the agents), which on loopback share
 * the client's cores.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_CONCURRENCY } from '../src/core/router/routerSettings';
import { startFleet, type Fleet, type FleetNode, type NodeKind } from './fleet/fleet';
import { writeLoopScripts, type LoopRun, type LoopScripts } from './fleet/runbookLoop';
import { runTimed } from './lib/processes';
import { median, runsText, seconds, times, type BenchOptions, type BenchRow } from './lib/rows';
import { CLI_JS, benchMain } from './lib/runChild';

interface Measured {
  wallMs: number;
  cpuMs: number;
  nodeCpuMs: number;
  /** Outcomes that do not match the node's kind (a healthy probe failing, a dead one passing). */
  surprises: string[];
  /** Ours only: median latency of healthy nodes' probes, per transport. */
  healthyLatencyMs?: Record<string, number>;
}

async function runOurs(fleet: Fleet, stateDir: string): Promise<Measured> {
  const node0 = fleet.nodeCpuMs();
  const r = await runTimed(process.execPath, [CLI_JS, 'test', '--all', '--json', '--hosts', fleet.hostsFile, '--state-dir', stateDir, '--known-hosts', fleet.knownHostsFile], {
    timeoutMs: 10 * 60_000,
  });
  if (r.timedOut) throw new Error('test --all did not finish in 10 minutes');
  let results: Array<{ node: string; transport: string; success: boolean; message: string; latencyMs: number }>;
  try {
    results = (JSON.parse(r.stdout) as { results: typeof results }).results;
  } catch {
    throw new Error(`test --all printed no JSON (exit ${r.rc}): ${r.output.trim().slice(-300)}`);
  }
  const kinds = new Map(fleet.nodes.map((n) => [n.name, n.kind]));
  const surprises = results
    .filter((x) => x.success !== (kinds.get(x.node) === 'healthy'))
    .map((x) => `${x.node} ${x.transport}: ${x.success ? 'passed' : x.message}`);
  const expected = fleet.nodes.length * 3;
  if (results.length !== expected) surprises.push(`${results.length} probe results, expected ${expected}`);
  const healthyLatencyMs: Record<string, number> = {};
  for (const t of ['p2p', 'rsync', 'base64']) {
    healthyLatencyMs[t] = median(results.filter((x) => x.transport === t && kinds.get(x.node) === 'healthy').map((x) => x.latencyMs));
  }
  return { wallMs: r.wallMs, cpuMs: r.cpuMs, nodeCpuMs: fleet.nodeCpuMs() - node0, surprises, healthyLatencyMs };
}

async function runLoop(fleet: Fleet, loop: LoopScripts, nodes: FleetNode[], parallel: number, timeoutMs: number): Promise<Measured> {
  const node0 = fleet.nodeCpuMs();
  const r: LoopRun = await loop.run(nodes, parallel, timeoutMs);
  if (r.timedOut) throw new Error(`the runbook loop (${nodes.length} nodes, -P ${parallel}) did not finish in ${seconds(timeoutMs)}`);
  const surprises = nodes
    .filter((n) => r.allOk.get(n.name) !== (n.kind === 'healthy'))
    .map((n) => `${n.name} (${n.kind}): ${r.allOk.has(n.name) ? 'unexpected result' : 'no output line'}`);
  return { wallMs: r.wallMs, cpuMs: r.cpuMs, nodeCpuMs: fleet.nodeCpuMs() - node0, surprises };
}

const cpuText = (runs: Measured[]) => `CPU ${seconds(median(runs.map((r) => r.cpuMs)))} client + ${seconds(median(runs.map((r) => r.nodeCpuMs)))} nodes`;
const checks = (runs: Measured[], who: string, outOf: number) => {
  const list = runs.flatMap((r) => r.surprises);
  if (!list.length) return ` ${who}: every outcome as expected (healthy ok, dead and silent failed).`;
  return ` ${who}: outcomes not matching the node's kind per run: ${runs.map((r) => r.surprises.length).join(', ')} of ${outOf}, e.g. ${list.slice(0, 2).join('; ')}.`;
};

/**
 * The sequential loop's time from a sample of each kind, scaled by the kind counts: a sequential
 * loop's time is the sum of its nodes' times, so timing a share of each kind in sequence estimates
 * it without the 9 minutes a full pass over 200 nodes takes (most of it waiting on silent nodes).
 * A silent node's time is its commands' timeouts (curl --max-time 8 + ssh 5 + rsync 5) and no
 * CPU, so each sampled silent node runs as a loop of its own, all at once, beside the timed dead
 * and healthy samples (or `whileWaiting`, our runs in --quick): each still times its own 18 s,
 * and the bench saves the rest of those minutes.
 */
async function estimateSequential(fleet: Fleet, loop: LoopScripts, sample: Record<NodeKind, number>, whileWaiting?: () => Promise<void>): Promise<Measured & { how: string }> {
  const pick = (k: NodeKind) => fleet.nodes.filter((x) => x.kind === k).slice(0, sample[k]);
  const count = (k: NodeKind) => fleet.nodes.filter((n) => n.kind === k).length;
  const silentRuns = Promise.all(pick('silent').map((n) => runLoop(fleet, loop, [n], 1, 10 * 60_000)));
  await whileWaiting?.();
  const timed = async (kind: NodeKind) => ({ kind, n: sample[kind], run: await runLoop(fleet, loop, pick(kind), 1, 30 * 60_000) });
  const added = (runs: Measured[]): Measured => ({
    wallMs: runs.reduce((t, r) => t + r.wallMs, 0),
    cpuMs: runs.reduce((t, r) => t + r.cpuMs, 0),
    nodeCpuMs: 0,
    surprises: runs.flatMap((r) => r.surprises),
  });
  const samples = [await timed('dead'), await timed('healthy'), { kind: 'silent' as const, n: sample.silent, run: added(await silentRuns) }];
  const scaled = (f: (m: Measured) => number) => samples.reduce((sum, s) => sum + (f(s.run) / s.n) * count(s.kind), 0);
  return {
    wallMs: scaled((m) => m.wallMs),
    cpuMs: scaled((m) => m.cpuMs),
    nodeCpuMs: scaled((m) => m.nodeCpuMs),
    surprises: samples.flatMap((s) => s.run.surprises),
    how: `estimated from ${samples.map((s) => `${s.n} ${s.kind} (${seconds(s.run.wallMs / s.n)} each)`).join(', ')}, each kind timed in sequence (the silent nodes each alone, at once: timeouts, no CPU), scaled by kind`,
  };
}

/** A quarter of each kind (at least one). */
function quarterOfEachKind(fleet: Fleet): Record<NodeKind, number> {
  const quarter = (k: NodeKind) => Math.max(1, Math.round(fleet.nodes.filter((n) => n.kind === k).length / 4));
  return { dead: quarter('dead'), healthy: quarter('healthy'), silent: quarter('silent') };
}

export async function bench(opts: BenchOptions): Promise<BenchRow[]> {
  const total = opts.quick ? 40 : 200;
  const concurrency = DEFAULT_CONCURRENCY;
  const t0 = Date.now();
  const fleet = await startFleet(total);
  try {
    const setupS = (Date.now() - t0) / 1000;
    const count = (k: NodeKind) => fleet.nodes.filter((n) => n.kind === k).length;
    const loop = writeLoopScripts({ dir: path.join(fleet.dir, 'loop'), user: fleet.user, clientKey: fleet.clientKey, knownHostsFile: fleet.knownHostsFile });
    const ours: Measured[] = [];
    const xargs: Measured[] = [];
    const oursOnce = async (i: number) => void ours.push(await runOurs(fleet, fs.mkdtempSync(path.join(fleet.dir, `state-${i}-`))));
    let sequential: Measured & { how: string };
    if (opts.quick) {
      sequential = await estimateSequential(fleet, loop, { dead: 2, healthy: 3, silent: 1 }, async () => {
        for (let i = 0; i < opts.runs; i++) await oursOnce(i);
      });
    } else {
      // Ours and xargs interleaved (the same machine load); the sequential sample once, last.
      for (let i = 0; i < opts.runs; i++) {
        await oursOnce(i);
        xargs.push(await runLoop(fleet, loop, fleet.nodes, concurrency, 10 * 60_000));
      }
      sequential = await estimateSequential(fleet, loop, quarterOfEachKind(fleet));
    }

    const ourWall = median(ours.map((r) => r.wallMs));
    const shape = `${total} nodes on 127.77.0-${Math.ceil(total / 50) - 1}.x: ${count('dead')} dead (refused), ${count('silent')} silent (accept, never answer), ${count('healthy')} healthy (OpenSSH sshd + agent)`;
    const latency = (t: string) => seconds(median(ours.map((r) => r.healthyLatencyMs?.[t] ?? NaN)));
    const oursText = `Ours: median of ${ours.length} (${runsText(ours.map((r) => r.wallMs), seconds)}), ${total * 3} probes (p2p, rsync, base64 per node) ` +
      `at concurrency ${concurrency} (the default; a node still probing after 1.5 s yields its slot, up to 4 waiting per slot), one SSH login per node shared by the rsync and base64 probes, ${cpuText(ours)}; healthy nodes' median probe latency p2p ${latency('p2p')}, rsync ${latency('rsync')}, base64 ${latency('base64')}.` +
      checks(ours, 'ours', total * 3);
    const seqRatio = sequential.wallMs / ourWall;
    const rows: BenchRow[] = [{
      measure: `test --all, ${total} loopback nodes (1/4 dead or silent) vs sequential runbook loop (wall)`,
      ours: seconds(ourWall),
      peer: `${seconds(sequential.wallMs)} (est.)`,
      ratio: `${times(seqRatio)} faster`,
      goal: '>= 20x',
      met: seqRatio >= 20,
      note: `${shape}; setup ${setupS.toFixed(0)} s. ${oursText} Runbook loop (curl --max-time 8, ssh ConnectTimeout=5, rsync --dry-run --timeout=8 per node): ` +
        `${sequential.how}, ${cpuText([sequential])}.${checks([sequential], 'loop', total)}`,
    }];
    if (opts.quick) {
      rows.push({ measure: `test --all vs the runbook loop under xargs -P ${concurrency}`, ours: seconds(ourWall), peer: 'full run only', ratio: '-', goal: '-', note: 'Skipped in --quick: each silent node holds an xargs slot for 18 s.' });
    } else {
      const xWall = median(xargs.map((r) => r.wallMs));
      rows.push({
        measure: `test --all, ${total} nodes vs the same loop under xargs -P ${concurrency} (wall)`,
        ours: seconds(ourWall),
        peer: seconds(xWall),
        ratio: `${times(xWall / ourWall)} faster`,
        goal: '>= 2x',
        met: xWall / ourWall >= 2,
        note: `xargs -P ${concurrency} (our concurrency), interleaved with ours: median of ${xargs.length} (${runsText(xargs.map((r) => r.wallMs), seconds)}), ${cpuText(xargs)}.${checks(xargs, 'xargs loop', total)}`,
      });
    }
    return rows;
  } finally {
    await fleet.stop();
  }
}

benchMain(module, bench);
