/**
 * The three push benches as rows for the runner: 256 MiB (16 MiB with --quick) over each
 * transport against the runbook's own command for it. Throughput ratios are ours / peer (higher is
 * better), from median wall times of runs interleaved with the peer's; CPU figures beside them,
 * since wall time on a shared 2-core machine is noisy.
 *
 *   node --import tsx bench/lib/runChild.ts bench/push-speed.ts p2pRows|rsyncRows|base64Rows [--quick]
 */
import { DEFAULT_TRANSPORT_OPTIONS } from '../src/core/transports/transport';
import { measureBase64Push } from './push-base64';
import { measureP2pPush } from './push-p2p';
import { measureRsyncPush } from './push-rsync';
import { mbPerS, median, runsText, seconds, times, type BenchOptions, type BenchRow } from './lib/rows';

const MIB = 1 << 20;
const sizeOf = (opts: BenchOptions) => (opts.quick ? 16 : 256);
const rate = (sizeMiB: number, ms: number[]) => mbPerS(sizeMiB * MIB, median(ms));
const rateText = (sizeMiB: number, ms: number[]) => `${rate(sizeMiB, ms).toFixed(0)} MB/s`;
const runsMs = (ms: number[]) => runsText(ms, seconds);

export async function p2pRows(opts: BenchOptions): Promise<BenchRow[]> {
  const f = await measureP2pPush(sizeOf(opts), opts.runs);
  const ratio = rate(f.sizeMiB, f.firstMs) / rate(f.sizeMiB, f.curlMs);
  const again = rate(f.sizeMiB, f.againMs) / rate(f.sizeMiB, f.curlMs);
  const plainNode = rate(f.sizeMiB, f.nodeMs) / rate(f.sizeMiB, f.curlMs);
  return [{
    measure: `push ${f.sizeMiB} MiB over p2p vs curl -T to the same agent (throughput)`,
    ours: rateText(f.sizeMiB, f.firstMs),
    peer: rateText(f.sizeMiB, f.curlMs),
    ratio: times(ratio),
    // Issue 15's goal (the bench said 0.9x, an older issue's, until 2026-12-05).
    goal: '>= 1.0x',
    met: ratio >= 1,
    note: `Median of ${f.firstMs.length}; ours is a file's first push (sha256 while sending, HEAD first): ${runsMs(f.firstMs)}; curl -T (sha256 computed beforehand, untimed): ${runsMs(f.curlMs)}. ` +
      `The same file again (sha256 known, as to the next node): ${rateText(f.sizeMiB, f.againMs)}, ${times(again)}. Our client CPU ${seconds(f.ourCpuMsPerPush)} per push. ` +
      `What bounds it, measured: a plain Node http client (no code of ours: sha256 known, 1 MiB reads, write and drain) ${runsMs(f.nodeMs)}, ${times(plainNode)} curl's rate: Node's own client against curl on this machine.`,
  }];
}

export async function rsyncRows(opts: BenchOptions): Promise<BenchRow[]> {
  const f = await measureRsyncPush(sizeOf(opts), opts.runs);
  const ratio = median(f.plain) / median(f.ours);
  const cpuRatio = median(f.cpuPlain) / median(f.cpuOurs);
  return [{
    measure: `push ${f.sizeMiB} MiB over rsync vs plain rsync -e ssh, same sshd (throughput)`,
    ours: rateText(f.sizeMiB, f.ours),
    peer: rateText(f.sizeMiB, f.plain),
    ratio: `${times(ratio)} (CPU ${times(cpuRatio)})`,
    goal: '>= 0.95x',
    met: ratio >= 0.95,
    note: `Median of ${f.ours.length}, interleaved; ours includes the local and remote sha256 check: ${runsMs(f.ours)}; plain: ${runsMs(f.plain)}. ` +
      `CPU per push (client + the node's sshd with its sessions): ours ${seconds(median(f.cpuOurs))}, plain ${seconds(median(f.cpuPlain))}. ` +
      `With the local sha256 remembered (next node): ${rateText(f.sizeMiB, f.oursWarm)}, ${times(median(f.plain) / median(f.oursWarm))} (CPU ${times(median(f.cpuPlain) / median(f.cpuWarm))}). ` +
      `What bounds it, measured: plain rsync with our cipher (aes128-gcm) ${runsMs(f.plainGcm)}, and the node's sha256 of the landed file (openssl, as our check runs it after rsync), which only ours runs, ${runsMs(f.remoteHash)}: ` +
      `at best ${times(median(f.plain) / (median(f.plainGcm) + median(f.remoteHash)))} with those and nothing else of ours; the local sha256 runs beside rsync on the same 2 cores.`,
  }];
}

export async function base64Rows(opts: BenchOptions): Promise<BenchRow[]> {
  const chunk = DEFAULT_TRANSPORT_OPTIONS.base64ChunkBytes;
  const f = await measureBase64Push(sizeOf(opts), opts.runs, [chunk]);
  const ours = f.ours.get(chunk)!;
  const ratio = median(f.shell) / median(ours);
  const cpuOurs = median(f.cpuOurs.get(chunk)!);
  return [{
    measure: `push ${f.sizeMiB} MiB over base64 vs base64 | ssh 'base64 -d > F' (throughput)`,
    ours: rateText(f.sizeMiB, ours),
    peer: rateText(f.sizeMiB, f.shell),
    ratio: `${times(ratio)} (CPU ${times(median(f.cpuShell) / cpuOurs)})`,
    goal: '>= 1.0x',
    met: ratio >= 1.0,
    note: `Median of ${ours.length}, interleaved; ours (ssh2, ${chunk / MIB} MiB chunks, partial + sha256 check + rename): ${runsMs(ours)}; ` +
      `the shell pipeline (no check): ${runsMs(f.shell)}; the pipeline plus a remote sha256sum, for context: ${rateText(f.sizeMiB, f.shellVerified)}. ` +
      `CPU per push (client + the node's sshd with its sessions): ours ${seconds(cpuOurs)}, the pipeline ${seconds(median(f.cpuShell))}.`,
  }];
}
