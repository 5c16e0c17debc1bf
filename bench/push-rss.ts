/**
 * Peak RSS growth of the pushing process while pushing 1 GiB (32 MiB with --quick) over each
 * transport. Goal: <= 64 MiB, i.e. pushes stream and never hold the file. Each push runs in a
 * fresh child (bench/rss/pusher.ts) that samples process.memoryUsage().rss every 10 ms and at
 * every progress callback, after a 1 MiB warm-up push; the node side runs in other processes.
 *
 *   node --import tsx bench/push-rss.ts [--quick] [--runs N]
 */
import { randomFillSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTimed } from './lib/processes';
import { median, runsText, seconds, type BenchOptions, type BenchRow } from './lib/rows';
import { benchMain } from './lib/runChild';

const MIB = 1 << 20;
const GOAL_MIB = 64;
const mib = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`;

/** Fast, incompressible-enough data: one random 16 MiB block, each copy stamped with its index. */
function writePayload(file: string, sizeMiB: number): void {
  const block = randomFillSync(Buffer.alloc(16 * MIB));
  const fd = fs.openSync(file, 'w');
  try {
    for (let i = 0; i < sizeMiB / 16; i++) {
      block.writeUInt32BE(i, 0);
      randomFillSync(block, 4, 4092);
      fs.writeSync(fd, block);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Each transport in one stream, and the ranged ones over the most streams 'auto' reaches (16):
 * the goal holds whatever the number of streams (issue 20).
 */
const PUSHES = [
  { kind: 'p2p', streams: 1 },
  { kind: 'rsync', streams: 1 },
  { kind: 'base64', streams: 1 },
  { kind: 'p2p', streams: 16 },
  { kind: 'rsync', streams: 16 },
  { kind: 'base64', streams: 16 },
] as const;

interface RssRun {
  baseline: number;
  peak: number;
  /** Growth of each part of process.memoryUsage() at the sampled peak. */
  atPeak: { heapUsed: number; external: number; arrayBuffers: number };
  maxRssBefore: number;
  maxRssAfter: number;
  wallMs: number;
  bytes: number;
}

export async function bench(opts: BenchOptions): Promise<BenchRow[]> {
  const sizeMiB = opts.quick ? 32 : 1024;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-bench-rss-'));
  try {
    const file = path.join(dir, 'payload.bin');
    writePayload(file, sizeMiB);
    const rows: BenchRow[] = [];
    for (const { kind, streams } of PUSHES) {
      const runs: RssRun[] = [];
      for (let i = 0; i < opts.runs; i++) {
        const r = await runTimed(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(__dirname, 'rss/pusher.ts'), kind, file, String(streams)], { timeoutMs: 10 * 60_000 });
        const line = r.stdout.trim().split('\n').pop() ?? '';
        if (r.rc !== 0 || !line.startsWith('{')) throw new Error(`${kind}: ${r.timedOut ? 'timed out' : r.output.trim().split('\n').pop()}`);
        runs.push(JSON.parse(line) as RssRun);
      }
      const growth = runs.map((r) => r.peak - r.baseline);
      // The kernel's high-water mark catches a peak between samples (when it is above start-up's).
      const kernel = runs.map((r) => Math.max(0, r.maxRssAfter - Math.max(r.maxRssBefore, r.baseline)));
      const worst = Math.max(median(growth), median(kernel));
      const parts = (k: keyof RssRun['atPeak']) => mib(median(runs.map((r) => r.atPeak[k])));
      rows.push({
        measure: `peak RSS growth of the pushing process, ${sizeMiB === 1024 ? '1 GiB' : `${sizeMiB} MiB`} over ${kind}${streams === 1 ? '' : ` as ranges over ${streams} streams`}`,
        ours: mib(worst),
        peer: '-',
        ratio: '-',
        goal: `<= ${GOAL_MIB} MiB`,
        met: worst <= GOAL_MIB * MIB,
        note: `Median of ${runs.length} fresh processes: sampled growth ${runsText(growth, mib)}, kernel maxRSS growth ${runsText(kernel, mib)}; ` +
          `at the peak: JS heap +${parts('heapUsed')}, external +${parts('external')} (ArrayBuffers +${parts('arrayBuffers')}); ` +
          `baseline ${mib(median(runs.map((r) => r.baseline)))} after a warm-up push; push took ${runsText(runs.map((r) => r.wallMs), seconds)}.` +
          (kind === 'rsync' ? ' The rsync and ssh child processes are not counted (their own RSS is a few MiB each).' : ''),
      });
    }
    return rows;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

benchMain(module, bench);
