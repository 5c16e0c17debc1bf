/**
 * base64 transport vs the runbook's shell pipeline, same real sshd on loopback:
 *   ours:  Base64Transport.push (ssh2 in process, chunked `base64 -d >> PARTIAL`, sha256 verified)
 *   shell: base64 FILE | ssh -p P -i KEY HOST 'base64 -d > OUT'   (no verification)
 * 256 MiB of random data (BENCH_MIB to change), median of 3 runs each, interleaved so both see the
 * same machine load. Target: ours / shell >= 1.0. Wall time on the shared 2-core machine is noisy,
 * so CPU per push is shown too: this process with its children (the shell's base64 and ssh; our
 * hashing thread) plus the node's sshd with its sessions (base64 -d, sha256), from /proc.
 *
 *   npx tsx bench/push-base64.ts [chunkMiB...]
 * bench/push-speed.ts calls measureBase64Push() for the runner (npm run bench).
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCluster } from '../test/integration/harness/cluster';
import { nodeSpecOf } from '../test/integration/harness/nodeSpecs';
import { Base64Transport } from '../src/core/transports/base64/base64';
import { DEFAULT_TRANSPORT_OPTIONS } from '../src/core/transports/transport';
import { procCpuMs } from './lib/processes';

const MiB = 1024 * 1024;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);
const shaOf = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Wall ms per push, one entry per run; `ours` per chunk size (bytes); CPU ms of client + node per push. */
export interface Base64PushFigures {
  sizeMiB: number;
  shell: number[];
  shellVerified: number[];
  ours: Map<number, number[]>;
  cpuShell: number[];
  cpuOurs: Map<number, number[]>;
}

export async function measureBase64Push(sizeMiB: number, RUNS: number, chunkSizes: number[] = [DEFAULT_TRANSPORT_OPTIONS.base64ChunkBytes]): Promise<Base64PushFigures> {
  const SIZE = sizeMiB * MiB;
  const cluster = await startCluster([{ name: 'bench', agent: false }]);
  try {
    const n = cluster.node('bench');
    const local = path.join(cluster.dir, 'payload.bin');
    const fd = fs.openSync(local, 'w');
    for (let done = 0; done < SIZE; done += 16 * MiB) fs.writeSync(fd, randomBytes(Math.min(16 * MiB, SIZE - done)));
    fs.closeSync(fd);
    const want = shaOf(local);
    const ssh = `ssh -p ${n.sshPort} -i ${cluster.clientKey} -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${cluster.knownHostsFile} ${cluster.user}@${n.address}`;

    const sshdPid = n.sshdProc?.child.pid;
    // sshd reaps a session a moment after the client exits: wait so its CPU is counted. Our own
    // CPU is read before: the bench's checks of the landed file are not the push's.
    const cpuSince = async (self0: number, node0: number): Promise<number> => {
      const self = procCpuMs(process.pid) - self0;
      await new Promise((r) => setTimeout(r, 300));
      return self + procCpuMs(sshdPid) - node0;
    };
    // `verify`: the same pipeline plus what ours also does, a sha256sum on the node (for context).
    const shellRun = async (verify: boolean, cpu: number[]): Promise<number> => {
      const out = n.file('shell.bin');
      const [self0, node0] = [procCpuMs(process.pid), procCpuMs(sshdPid)];
      const t = performance.now();
      execFileSync('bash', ['-c', `base64 ${local} | ${ssh} 'base64 -d > ${out}'${verify ? ` && ${ssh} 'sha256sum ${out}' > /dev/null` : ''}`]);
      const ms = performance.now() - t;
      cpu.push(await cpuSince(self0, node0));
      if (shaOf(out) !== want) throw new Error('shell pipeline produced a different file');
      fs.rmSync(out);
      return ms;
    };
    const oursRun = async (chunk: number, cpu: number[]): Promise<number> => {
      const t = new Base64Transport({ ...DEFAULT_TRANSPORT_OPTIONS, base64ChunkBytes: chunk, knownHostsFile: cluster.knownHostsFile, env: { HOME: cluster.dir } });
      const [self0, node0] = [procCpuMs(process.pid), procCpuMs(sshdPid)];
      const start = performance.now();
      const r = await t.push(nodeSpecOf(cluster, n), { localPath: local, remotePath: 'ours.bin' }, () => undefined, new AbortController().signal);
      const ms = performance.now() - start;
      cpu.push(await cpuSince(self0, node0));
      if (!r.ok) throw new Error(r.message);
      if (r.sha256 !== want) throw new Error('base64 transport reported a different sha256');
      fs.rmSync(n.file('ours.bin'));
      return ms;
    };

    const shell: number[] = [];
    const shellVerified: number[] = [];
    const ours = new Map<number, number[]>(chunkSizes.map((c) => [c, []]));
    const cpuShell: number[] = [];
    const cpuOurs = new Map<number, number[]>(chunkSizes.map((c) => [c, []]));
    for (let i = 0; i < RUNS; i++) {
      shell.push(await shellRun(false, cpuShell));
      for (const c of chunkSizes) ours.get(c)!.push(await oursRun(c, cpuOurs.get(c)!));
      shellVerified.push(await shellRun(true, []));
    }
    const shellMBps = mbps(SIZE, median(shell));
    console.log(`file ${SIZE / MiB} MiB, median of ${RUNS}, load ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
    console.log(`shell pipeline        ${shellMBps.toFixed(1)} MB/s  cpu ${median(cpuShell).toFixed(0)} ms  (runs ms: ${shell.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`shell + sha256sum     ${mbps(SIZE, median(shellVerified)).toFixed(1)} MB/s  (context only; runs ms: ${shellVerified.map((x) => x.toFixed(0)).join(', ')})`);
    for (const [c, runs] of ours) {
      const m = mbps(SIZE, median(runs));
      const cpu = median(cpuOurs.get(c)!);
      console.log(`ours chunk ${String(c / MiB).padStart(3)} MiB    ${m.toFixed(1)} MB/s  cpu ${cpu.toFixed(0)} ms  ratio ${(m / shellMBps).toFixed(2)}x (CPU ${(median(cpuShell) / cpu).toFixed(2)}x)  (runs ms: ${runs.map((x) => x.toFixed(0)).join(', ')})`);
    }
    return { sizeMiB, shell, shellVerified, ours, cpuShell, cpuOurs };
  } finally {
    await cluster.stop();
  }
}

if (require.main === module) {
  const chunks = process.argv.slice(2).map((s) => Number(s) * MiB);
  measureBase64Push(Number(process.env.BENCH_MIB ?? 256), 3, chunks.length ? chunks : undefined).catch((err) => {
    console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
