/**
 * Our rsync push vs the runbook's plain `rsync -e ssh FILE HOST:PATH`, to the same real OpenSSH
 * sshd on loopback. 256 MiB of random data, fresh target each run, runs interleaved, median of 3.
 * Our time includes everything a push does: the sha256 of the local file (not remembered between
 * runs here) and the sha256 on the node. Target: ours >= 0.95x plain.
 * Wall time on a shared 2-core machine is noisy, so CPU seconds per push are shown too: this
 * process with its children (rsync, ssh, hashing) plus the node's sshd with its sessions
 * (the node's rsync and hashing), read from /proc: the same work whatever else runs.
 *
 *   npx tsx bench/push-rsync.ts [MiB] [runs]
 * bench/push-speed.ts calls measureRsyncPush() for the runner (npm run bench).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCluster } from '../test/integration/harness/cluster';
import { nodeSpecOf } from '../test/integration/harness/nodeSpecs';
import { RsyncTransport } from '../src/core/transports/rsync/rsync';
import { forgetCellHashes } from '../src/core/transports/cellHashCache';
import { DEFAULT_TRANSPORT_OPTIONS } from '../src/core/transports/transport';

const MIB = 1024 * 1024;

/** utime+stime+cutime+cstime of a process, in ms (/proc/PID/stat, clock ticks of 10 ms). */
function cpuMs(pid: number | 'self'): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) * 10;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

/** Wall and CPU ms per push, one entry per run. */
export interface RsyncPushFigures {
  sizeMiB: number;
  plain: number[];
  cpuPlain: number[];
  ours: number[];
  cpuOurs: number[];
  oursWarm: number[];
  cpuWarm: number[];
  /** Plain rsync with our cipher (aes128-gcm). */
  plainGcm: number[];
  /** The node's sha256 of the landed file (openssl, as our check runs it), which only ours runs. */
  remoteHash: number[];
}

export async function measureRsyncPush(sizeMiB: number, runs: number): Promise<RsyncPushFigures> {
  const cluster = await startCluster([{ name: 'bench', agent: false }]);
  const node = cluster.node('bench');
  const spec = nodeSpecOf(cluster, node);
  const local = path.join(cluster.dir, 'payload.bin');
  const fd = fs.openSync(local, 'w');
  for (let i = 0; i < sizeMiB; i++) fs.writeSync(fd, randomBytes(MIB));
  fs.closeSync(fd);
  const bytes = sizeMiB * MIB;
  const transport = new RsyncTransport({ ...DEFAULT_TRANSPORT_OPTIONS, knownHostsFile: cluster.knownHostsFile, env: process.env });
  const plainSsh = `ssh -p ${node.sshPort} -i ${cluster.clientKey} -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${cluster.knownHostsFile}`;

  const sshdPid = node.sshdProc!.child.pid!;
  const cpu = () => cpuMs('self') + cpuMs(sshdPid);
  const ours: number[] = [];
  const plain: number[] = [];
  const oursWarm: number[] = [];
  const cpuOurs: number[] = [];
  const cpuPlain: number[] = [];
  const cpuWarm: number[] = [];
  const remoteHash: number[] = [];
  // Plain rsync with our cipher choice: how much of our speed is the cipher, how much the check costs.
  const plainGcm: number[] = [];
  const cpuPlainGcm: number[] = [];
  // sshd reaps a session a moment after the client exits; wait so its CPU is counted.
  const settle = () => new Promise((r) => setTimeout(r, 300));
  try {
    for (let i = 0; i < runs; i++) {
      fs.rmSync(node.file('ours.bin'), { force: true });
      forgetCellHashes();
      let c0 = cpu();
      let t0 = Date.now();
      const r = await transport.push(spec, { localPath: local, remotePath: 'ours.bin' }, () => undefined, new AbortController().signal);
      if (!r.ok) throw new Error(r.message);
      ours.push(Date.now() - t0);
      await settle();
      cpuOurs.push(cpu() - c0);

      fs.rmSync(node.file('plain.bin'), { force: true });
      c0 = cpu();
      t0 = Date.now();
      execFileSync('rsync', ['-e', plainSsh, local, `${cluster.user}@${node.address}:${node.file('plain.bin')}`]);
      plain.push(Date.now() - t0);
      await settle();
      cpuPlain.push(cpu() - c0);

      fs.rmSync(node.file('plain.bin'), { force: true });
      c0 = cpu();
      t0 = Date.now();
      execFileSync('rsync', ['-e', `${plainSsh} -c aes128-gcm@openssh.com`, local, `${cluster.user}@${node.address}:${node.file('plain.bin')}`]);
      plainGcm.push(Date.now() - t0);
      await settle();
      cpuPlainGcm.push(cpu() - c0);

      // The same file to a second node: the local hash is remembered (a cluster-wide sync).
      fs.rmSync(node.file('ours.bin'), { force: true });
      c0 = cpu();
      t0 = Date.now();
      const w = await transport.push(spec, { localPath: local, remotePath: 'ours.bin' }, () => undefined, new AbortController().signal);
      if (!w.ok) throw new Error(w.message);
      oursWarm.push(Date.now() - t0);
      await settle();
      cpuWarm.push(cpu() - c0);
    }
    for (let i = 0; i < runs; i++) {
      const t0 = Date.now();
      execFileSync('sh', ['-c', 'openssl dgst -sha256 < "$1" > /dev/null', 'sh', node.file('ours.bin')]);
      remoteHash.push(Date.now() - t0);
    }
  } finally {
    await cluster.stop();
  }
  const line = (name: string, ms: number[], cpuRuns: number[]) =>
    `${name.padEnd(32)} median ${String(median(ms)).padStart(5)} ms ${mbps(bytes, median(ms)).toFixed(1).padStart(6)} MB/s` +
    `  cpu ${String(median(cpuRuns)).padStart(5)} ms  (runs ${ms.join(', ')} ms)`;
  console.log(`rsync push of ${sizeMiB} MiB over real sshd on loopback, median of ${runs}, load average ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`);
  console.log(line('plain rsync -e ssh', plain, cpuPlain));
  console.log(line('plain rsync, ssh -c aes128-gcm', plainGcm, cpuPlainGcm));
  console.log(line('ours (local sha256 computed)', ours, cpuOurs));
  console.log(line('ours (local sha256 remembered)', oursWarm, cpuWarm));
  const ratio = (a: number[], b: number[]) => (median(a) / median(b)).toFixed(2);
  console.log(`ratio ours/plain, MB/s: ${ratio(plain, ours)}x (computed), ${ratio(plain, oursWarm)}x (remembered); target >= 0.95x`);
  console.log(`ratio ours/plain, by CPU per push: ${ratio(cpuPlain, cpuOurs)}x (computed), ${ratio(cpuPlain, cpuWarm)}x (remembered)`);
  console.log(`the node's sha256 of the landed file (openssl): median ${median(remoteHash)} ms`);
  return { sizeMiB, plain, cpuPlain, ours, cpuOurs, oursWarm, cpuWarm, plainGcm, remoteHash };
}

if (require.main === module) {
  measureRsyncPush(Number(process.argv[2] ?? 256), Number(process.argv[3] ?? 3)).catch((err) => {
    console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
