/**
 * A directory tree of 2,000 files (200 with --quick), 1 KiB to 4 MiB, to one loopback node (real
 * OpenSSH sshd and our agent), against the runbook's `rsync -a DIR node:R`:
 * - the first sync over rsync (`sync --force-transport rsync`), ours verified on the node;
 * - the second sync of the unchanged tree (ours sends nothing and rewrites nothing; rsync -a's own
 *   quick check);
 * - for context, the first sync over p2p (our agent) and over base64, to their own remote dirs.
 * Each landed file's sha256 is checked against the local one after every sync of ours.
 *
 *   node --import tsx bench/tree.ts [--quick] [--runs N]
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCluster, type TestCluster } from '../test/integration/harness/cluster';
import { runTimed } from './lib/processes';
import { median, runsText, seconds, times, type BenchOptions, type BenchRow } from './lib/rows';
import { benchMain, CLI_JS } from './lib/runChild';

const KIB = 1024;
const TIMEOUT_MS = 10 * 60_000;

/** Sizes from 1 KiB to 4 MiB, most files small (log-uniform per band): ~130 MiB for 2,000 files. */
function sizeOf(i: number): number {
  const big = i % 20 === 0;
  const [lo, hi] = big ? [64 * KIB, 4096 * KIB] : [KIB, 64 * KIB];
  const t = ((i * 7919) % 1000) / 1000;
  return Math.round(lo * Math.pow(hi / lo, t));
}

/** Writes the tree (files in 40 directories, a few names with spaces); returns its files. */
function makeTree(root: string, files: number): string[] {
  const rels: string[] = [];
  for (let i = 0; i < files; i++) {
    const rel = path.join(`dir ${i % 40}`, `f${i}.bin`);
    fs.mkdirSync(path.join(root, path.dirname(rel)), { recursive: true });
    const buf = Buffer.alloc(sizeOf(i));
    for (let o = 0; o < buf.length; o += 4) buf.writeUInt32LE((i * 2654435761 + o) >>> 0, Math.min(o, buf.length - 4));
    fs.writeFileSync(path.join(root, rel), buf);
    rels.push(rel);
  }
  return rels;
}

const shaOf = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function checkLanded(local: string, remote: string, rels: string[]): void {
  for (const rel of rels) {
    if (shaOf(path.join(remote, rel)) !== shaOf(path.join(local, rel))) throw new Error(`${rel} differs at ${remote}`);
  }
}

interface Setup {
  cluster: TestCluster;
  hostsFile: string;
  stateDir: string;
}

async function ours(s: Setup, local: string, remote: string, transport: string): Promise<number> {
  const args = [CLI_JS, 'sync', 'node', '--path', local, '--remote', remote, '--force-transport', transport, '--json',
    '--hosts', s.hostsFile, '--state-dir', s.stateDir, '--known-hosts', s.cluster.knownHostsFile];
  const r = await runTimed(process.execPath, args, { timeoutMs: TIMEOUT_MS });
  if (r.rc !== 0) throw new Error(`our sync over ${transport} exited ${r.rc}: ${r.output.trim().split('\n').slice(-3).join(' ')}`);
  return r.wallMs;
}

/** The runbook's `ssh` options to the node, as rsync -a runs them. */
function sshOptions(s: Setup): string[] {
  const n = s.cluster.node('node');
  return ['-p', String(n.sshPort), '-i', s.cluster.clientKey, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${s.cluster.knownHostsFile}`];
}

async function rsyncA(s: Setup, local: string, remoteDir: string): Promise<number> {
  const n = s.cluster.node('node');
  const r = await runTimed('rsync', ['-a', '-e', ['ssh', ...sshOptions(s)].join(' '), `${local}/`, `${s.cluster.user}@${n.address}:${remoteDir}/`], { timeoutMs: TIMEOUT_MS });
  if (r.rc !== 0) throw new Error(`rsync -a exited ${r.rc}: ${r.output.trim().split('\n').pop() ?? ''}`);
  return r.wallMs;
}

/** Wall time of a command that must succeed. */
async function timed(what: string, cmd: string, args: string[]): Promise<number> {
  const r = await runTimed(cmd, args, { timeoutMs: TIMEOUT_MS });
  if (r.rc !== 0) throw new Error(`${what} exited ${r.rc}: ${r.output.trim().split('\n').pop() ?? ''}`);
  return r.wallMs;
}

/**
 * What bounds ours against rsync -a here, measured: our process's start (`--version`), which
 * rsync -a never pays; one OpenSSH login running a command (`ssh node true`), which both pay; and
 * the node's sha256 of the tree's files (openssl, as our check runs it), which only ours does.
 */
async function floors(s: Setup, treeOnNode: string, runs: number): Promise<{ startMs: number; loginMs: number; hashMs: number }> {
  const n = s.cluster.node('node');
  const ssh = [...sshOptions(s), `${s.cluster.user}@${n.address}`];
  const startMs: number[] = [];
  const loginMs: number[] = [];
  const hashMs: number[] = [];
  const hash = `cd '${treeOnNode}' && find . -type f -print0 | xargs -0 openssl dgst -sha256 -r > /dev/null`;
  for (let i = 0; i < runs; i++) {
    startMs.push(await timed('ringrift-sync --version', process.execPath, [CLI_JS, '--version']));
    const login = await timed('ssh node true', 'ssh', [...ssh, 'true']);
    loginMs.push(login);
    hashMs.push((await timed('the sha256 of the tree on the node', 'ssh', [...ssh, hash])) - login);
  }
  return { startMs: median(startMs), loginMs: median(loginMs), hashMs: median(hashMs) };
}

export async function bench(opts: BenchOptions): Promise<BenchRow[]> {
  const cluster = await startCluster([{ name: 'node' }]);
  try {
    const s: Setup = { cluster, hostsFile: cluster.writeHostsFile(), stateDir: path.join(cluster.dir, 'state') };
    const local = path.join(cluster.dir, 'tree');
    const rels = makeTree(local, opts.quick ? 200 : 2000);
    const bytes = rels.reduce((n, rel) => n + fs.statSync(path.join(local, rel)).size, 0);
    const root = cluster.node('node').root;
    const first = { ours: [] as number[], peer: [] as number[], oursAgain: [] as number[], peerAgain: [] as number[] };
    for (let i = 0; i < opts.runs; i++) {
      first.ours.push(await ours(s, local, `ours-${i}`, 'rsync'));
      checkLanded(local, path.join(root, `ours-${i}`), rels);
      first.peer.push(await rsyncA(s, local, path.join(root, `peer-${i}`)));
      first.oursAgain.push(await ours(s, local, `ours-${i}`, 'rsync'));
      first.peerAgain.push(await rsyncA(s, local, path.join(root, `peer-${i}`)));
    }
    const p2pMs = await ours(s, local, 'p2p', 'p2p');
    checkLanded(local, path.join(root, 'p2p'), rels);
    const base64Ms = await ours(s, local, 'base64', 'base64');
    checkLanded(local, path.join(root, 'base64'), rels);
    const floor = await floors(s, path.join(root, 'ours-0'), opts.runs);
    const what = `${rels.length} files, ${(bytes / (1 << 20)).toFixed(0)} MiB (1 KiB-4 MiB, 40 directories)`;
    const firstRatio = median(first.peer) / median(first.ours);
    const againRatio = median(first.peerAgain) / median(first.oursAgain);
    // The best ratio a verifying Node CLI reaches here: the peer's own time plus what only ours pays.
    const firstBound = median(first.peer) / (median(first.peer) + floor.startMs + floor.hashMs);
    const againBound = median(first.peerAgain) / (median(first.peerAgain) + floor.startMs);
    const floorText = `our process's start (\`ringrift-sync --version\`, median of ${opts.runs}) ${seconds(floor.startMs)}, which rsync -a does not pay; one OpenSSH login running a command (\`ssh node true\`), which both pay, ${seconds(floor.loginMs)}`;
    return [
      {
        measure: `a tree of ${what}: first sync over rsync vs rsync -a (wall)`,
        ours: seconds(median(first.ours)), peer: seconds(median(first.peer)), ratio: times(firstRatio), goal: '>= 0.95x', met: firstRatio >= 0.95,
        note: `One loopback node (OpenSSH sshd + our agent). Median of ${opts.runs}, interleaved; ours is \`ringrift-sync sync --path DIR --force-transport rsync\` (one rsync run for the tree, then one batched sha256 on the node of what it sent; every file's sha256 checked by the bench after): ${runsText(first.ours, seconds)}; rsync -a (no check): ${runsText(first.peer, seconds)}. ` +
          `What bounds it, measured: ${floorText}; the node's sha256 of the tree's files (openssl, as our check runs it), which only ours does, ${seconds(floor.hashMs)}: at best ${times(firstBound)} with them and nothing else of ours. ` +
          `For context, the same tree's first sync over p2p (our agent, one push per file, 4 at once): ${seconds(p2pMs)}; over base64 (one tar stream over one SSH connection, verified per file): ${seconds(base64Ms)}.`,
      },
      {
        measure: `the same tree again, unchanged: second sync over rsync vs rsync -a (wall)`,
        ours: seconds(median(first.oursAgain)), peer: seconds(median(first.peerAgain)), ratio: times(againRatio), goal: '>= 0.95x', met: againRatio >= 0.95,
        note: `Median of ${opts.runs}; ours sends and rewrites nothing (rsync's quick check on size and mtime): ${runsText(first.oursAgain, seconds)}; rsync -a: ${runsText(first.peerAgain, seconds)}. ` +
          `What bounds it, measured: ${floorText}: at best ${times(againBound)} with our start and nothing else of ours.`,
      },
    ];
  } finally {
    await cluster.stop();
  }
}

benchMain(module, bench);
