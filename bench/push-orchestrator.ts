/**
 * Benchmark: our p2p push to the REAL RingRift P2P orchestrator vs `curl -F` to the same endpoint,
 * 256 MiB (32 MiB with --quick), median of 3, interleaved. One orchestrator instance (number 21,
 * so it never collides with the integration tests' 11 and 12) runs in a network namespace of its
 * own (10.202.21.2:8770, no route out) through the test harness, and is torn down at the end, on
 * failure, on SIGINT/SIGTERM and on exit.
 *
 * Ours is the library's P2PTransport.push, as in bench/push-p2p.ts: GET /health (what answers),
 * one streamed multipart POST /files/upload (the local sha256 computed on a worker thread while
 * sending), then GET /files/info, where the orchestrator hashes the stored file, compared with
 * ours. The peer is `curl -sS -f -H "Authorization: Bearer T" -F path=... -F file=@F URL/files/upload`,
 * which verifies nothing. The landed file is deleted (and the page cache's dirty pages flushed)
 * before every run, so each run is a first push: the orchestrator has no skip.
 *
 *   node --import tsx bench/push-orchestrator.ts [--quick] [--runs N] [--mib N]
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomFillSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadHostsFile } from '../src/core/hosts';
import { agentEndpoint } from '../src/core/transports/http/agentClient';
import { forgetCellHashes } from '../src/core/transports/cellHashCache';
import { detectService } from '../src/core/transports/http/orchestrator/health';
import { remoteFileInfo } from '../src/core/transports/http/orchestrator/fileInfo';
import { orchestratorTarget } from '../src/core/transports/http/orchestrator/paths';
import { P2PTransport } from '../src/core/transports/http/p2p';
import { DEFAULT_TRANSPORT_OPTIONS } from '../src/core/transports/transport';
import { parseEnvFile, type Orchestrator } from '../test/integration/harness/orchestrator';
import { procCpuMs, runTimed, startTracked } from './lib/processes';
import { mbPerS, median, runsText, seconds, times, type BenchOptions, type BenchRow } from './lib/rows';
import { benchMain } from './lib/runChild';

const MIB = 1 << 20;
/** The orchestrator instance number: namespace rro21 at 10.202.21.2 (the tests use 11 and 12). */
const INSTANCE = 21;
const GOAL = 1.0;
const SCRIPT = path.resolve(__dirname, '../test/integration/harness/orchestrator/orchestrator.sh');
const mib = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`;

/** Fast, incompressible data: one random 16 MiB block, re-randomised in part per copy. */
function writePayload(file: string, sizeMiB: number): void {
  const block = randomFillSync(Buffer.alloc(Math.min(16, sizeMiB) * MIB));
  const fd = fs.openSync(file, 'w');
  try {
    for (let left = sizeMiB * MIB; left > 0; left -= block.length) {
      randomFillSync(block, 0, 4096);
      fs.writeSync(fd, block, 0, Math.min(block.length, left));
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** The harness's cold start extracts a tarball, makes a venv and installs wheels: bound as the tests do. */
const UP_TIMEOUT_MS = 240_000;

/**
 * Our own instance, through the harness's script (as test/integration/harness/orchestrator.ts
 * does, but with the `up` process in our hands, so a signal in the middle of a start stops it too).
 * Refuses to start when namespace rro21 already exists: it is then not ours to use or delete.
 */
class OwnInstance {
  private upPid?: number;
  private made = false;
  private gone = false;

  constructor(readonly dir: string) {}

  async up(token: string): Promise<Orchestrator> {
    const existing = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    if (new RegExp(`^rro${INSTANCE}( |$)`, 'm').test(existing)) {
      throw new Error(`network namespace rro${INSTANCE} already exists (another push-orchestrator bench, or one killed before it cleaned up); ` +
        `when none runs, remove it: ip link del rro${INSTANCE}h; ip netns del rro${INSTANCE}`);
    }
    this.made = true;
    const up = startTracked('bash', [SCRIPT, 'up', this.dir, String(INSTANCE)], { env: { ...process.env, RR_ORCH_TOKEN: token, RR_ORCH_NODE_ID: '' } });
    this.upPid = up.child.pid;
    const timer = setTimeout(() => void up.stop(1000), UP_TIMEOUT_MS);
    const code = await up.exited;
    clearTimeout(timer);
    this.upPid = undefined;
    const envFile = path.join(this.dir, 'orchestrator.env');
    if (code !== 0 || !fs.existsSync(envFile)) {
      const said = up.output().split('\n').filter((l) => l.trim() && !l.startsWith('WARNING: Location')).slice(-5).join(' / ');
      throw new Error(`the real RingRift orchestrator did not start (orchestrator.sh up ${this.dir} ${INSTANCE} exited ${code}): ${said || 'no output'}; ` +
        'it needs root, python3 with venv, iproute2 and the wheels of its requirements.txt (scripts/install-test-deps.sh)');
    }
    const v = parseEnvFile(fs.readFileSync(envFile, 'utf8'));
    return {
      dir: this.dir, n: INSTANCE, nodeId: v.RR_ORCH_NODE_ID, addr: v.RR_ORCH_ADDR, port: Number(v.RR_ORCH_PORT), url: v.RR_ORCH_URL,
      token: v.RR_ORCH_TOKEN, pid: Number(v.RR_ORCH_PID), ns: v.RR_ORCH_NS, dataDir: v.RR_ORCH_DATA_DIR, log: v.RR_ORCH_LOG,
      hostsFile: path.join(this.dir, 'distributed_hosts.yaml'),
    };
  }

  /**
   * Synchronous, so it also runs from a signal handler or 'exit' before the process goes; once.
   * Stops a start still under way and the orchestrator (each by its PID), deletes namespace rro21
   * and its veth, then runs `orchestrator.sh down` on our directory for the rest (its files, the
   * guard route when no other instance is left).
   */
  down(): void {
    if (!this.made || this.gone) return;
    this.gone = true;
    if (this.upPid) {
      try {
        process.kill(this.upPid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    try {
      // The instance holds nothing worth a graceful stop, and its own SIGTERM handling takes
      // seconds (more than the runner's grace before SIGKILL): kill it by the PID its start wrote.
      const pid = Number(fs.readFileSync(path.join(this.dir, 'orchestrator.pid'), 'utf8').trim());
      if (pid > 1) process.kill(pid, 'SIGKILL');
    } catch {
      /* not started, or already gone */
    }
    // The namespace and its veth first, directly: `down` below waits for the orchestrator's PID to
    // vanish, and a killed orphan can stay a zombie for a second or two before init reaps it, longer
    // than a runner stopping us may wait. Only names of our own instance number.
    for (const args of [['link', 'del', `rro${INSTANCE}h`], ['netns', 'del', `rro${INSTANCE}`]]) {
      try {
        execFileSync('ip', args, { stdio: 'ignore', timeout: 10_000 });
      } catch {
        /* not there (yet, or any more) */
      }
    }
    try {
      execFileSync('bash', [SCRIPT, 'down', this.dir], { stdio: 'ignore', timeout: 60_000 });
    } catch {
      /* best effort; the next start says what is left over and how to remove it */
    }
  }
}

export interface OrchestratorPushFigures {
  sizeMiB: number;
  oursMs: number[];
  curlMs: number[];
  /** Our push of the same file again (sha256 remembered from the first), as to the next node. */
  againMs: number[];
  /** Client CPU per push: ours (process.cpuUsage, hash thread included) and curl's. */
  oursCpuMs: number[];
  curlCpuMs: number[];
  /** The orchestrator's CPU per push (its /files/info hashing included for ours). */
  serverCpuOursMs: number[];
  serverCpuCurlMs: number[];
  /** Peak RSS growth of our process during each first push (sampled every 10 ms). */
  rssGrowth: number[];
  /** Where our time goes, measured apart after the runs: GET /health, GET /files/info of the landed file. */
  healthMs: number[];
  infoMs: number[];
  load: { before: number[]; after: number[] };
}

export async function measureOrchestratorPush(sizeMiB: number, runs: number): Promise<OrchestratorPushFigures> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-bench-orch-'));
  const instance = new OwnInstance(path.join(work, `o${INSTANCE}`));
  const down = () => instance.down();
  const onSignal = (code: number) => () => {
    down();
    fs.rmSync(work, { recursive: true, force: true });
    process.exit(code);
  };
  const onInt = onSignal(130);
  const onTerm = onSignal(143);
  process.once('SIGINT', onInt);
  process.once('SIGTERM', onTerm);
  process.once('exit', down);
  try {
    const o = await instance.up(randomBytes(16).toString('hex'));
    const hosts = await loadHostsFile(o.hostsFile);
    if (!hosts.ok) throw new Error(hosts.message);
    const node = hosts.value.nodes.find((n) => n.name === o.nodeId);
    if (!node) throw new Error(`no ${o.nodeId} in ${o.hostsFile}`);
    // The network rule: the bench talks only to the namespace it made.
    if (!o.addr.startsWith(`10.202.${INSTANCE}.`) || node.address !== o.addr) throw new Error(`unexpected orchestrator address ${o.addr} / ${node.address}`);

    const file = path.join(work, 'payload.npz');
    writePayload(file, sizeMiB);
    const size = sizeMiB * MIB;
    const benchDir = path.join(o.dataDir, 'bench');
    const clean = () => {
      fs.rmSync(benchDir, { recursive: true, force: true });
      execFileSync('sync');
    };

    const opts = { ...DEFAULT_TRANSPORT_OPTIONS, knownHostsFile: '/dev/null', env: process.env, agentToken: o.token };
    const transport = new P2PTransport(opts);
    const never = new AbortController().signal;

    const f: OrchestratorPushFigures = {
      sizeMiB, oursMs: [], curlMs: [], againMs: [], oursCpuMs: [], curlCpuMs: [], serverCpuOursMs: [], serverCpuCurlMs: [],
      rssGrowth: [], healthMs: [], infoMs: [], load: { before: os.loadavg(), after: [] },
    };

    const ours = async (local: string, remote: string, first: boolean) => {
      if (first) forgetCellHashes();
      const rss0 = process.memoryUsage().rss;
      let peak = rss0;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
      const server0 = procCpuMs(o.pid);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const r = await transport.push(node, { localPath: local, remotePath: remote }, () => undefined, never);
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const serverMs = procCpuMs(o.pid) - server0;
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      if (!r.ok) throw new Error(`our push of ${remote} failed: ${r.code}: ${r.message}`);
      if (r.bytes !== fs.statSync(local).size) throw new Error(`our push of ${remote} reported ${r.bytes} bytes`);
      return { ms, cpuMs: (cpu.user + cpu.system) / 1000, serverMs, rssGrowth: peak - rss0 };
    };
    const curl = async (local: string, remote: string) => {
      const server0 = procCpuMs(o.pid);
      const r = await runTimed('curl', ['-sS', '-f', '-H', `Authorization: Bearer ${o.token}`, '-F', `path=${remote}`, '-F', `file=@${local}`, `${o.url}/files/upload`], { timeoutMs: 5 * 60_000 });
      const serverMs = procCpuMs(o.pid) - server0;
      if (r.rc !== 0) throw new Error(`curl -F to ${o.url}/files/upload exited ${r.rc}${r.timedOut ? ' (timed out)' : ''}: ${r.output.trim().split('\n').pop()}`);
      const reply = JSON.parse(r.stdout) as { success?: boolean; size?: number };
      if (reply.success !== true || reply.size !== fs.statSync(local).size) throw new Error(`curl -F got ${r.stdout.slice(0, 200)}`);
      return { ms: r.wallMs, cpuMs: r.cpuMs, serverMs };
    };

    // Warm-up (untimed), one of each at full size: the orchestrator's first large upload grows its
    // heap (it holds the whole body), which would otherwise fall on whichever run comes first.
    await ours(file, 'data/bench/warm-ours.npz', true);
    clean();
    await curl(file, 'data/bench/warm-peer.npz');

    for (let i = 0; i < runs; i++) {
      // Alternate who goes first; every run starts with the landed files deleted and flushed.
      const order: Array<'ours' | 'curl'> = i % 2 === 0 ? ['ours', 'curl'] : ['curl', 'ours'];
      for (const kind of order) {
        clean();
        if (kind === 'ours') {
          const r = await ours(file, `data/bench/ours-${i}.npz`, true);
          f.oursMs.push(r.ms);
          f.oursCpuMs.push(r.cpuMs);
          f.serverCpuOursMs.push(r.serverMs);
          f.rssGrowth.push(r.rssGrowth);
        } else {
          const r = await curl(file, `data/bench/peer-${i}.npz`);
          f.curlMs.push(r.ms);
          f.curlCpuMs.push(r.cpuMs);
          f.serverCpuCurlMs.push(r.serverMs);
        }
      }
      // The same file again, sha256 remembered (as to the next node): still a first push for the orchestrator.
      clean();
      f.againMs.push((await ours(file, `data/bench/again-${i}.npz`, false)).ms);
    }

    // Where our time goes, apart from the upload itself: the /health ask and the server's hashing.
    clean();
    await curl(file, 'data/bench/info.npz');
    const ep = agentEndpoint('p2p', node, o.token);
    const target = orchestratorTarget('data/bench/info.npz', node.remoteBase);
    if (!ep.ok || !target.ok) throw new Error('no endpoint');
    for (let i = 0; i < runs; i++) {
      let t0 = performance.now();
      const h = await detectService(ep.value, opts, never);
      if (!h.ok) throw new Error(h.message);
      f.healthMs.push(performance.now() - t0);
      t0 = performance.now();
      const info = await remoteFileInfo(ep.value, target.value, { connectTimeoutMs: opts.connectTimeoutMs, idleTimeoutMs: opts.idleTimeoutMs }, never);
      if (!info.ok || info.value.size !== size) throw new Error(`GET /files/info: ${info.ok ? info.value.size : info.message}`);
      f.infoMs.push(performance.now() - t0);
    }
    clean();
    f.load.after = os.loadavg();
    return f;
  } finally {
    down();
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    process.off('exit', down);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

export async function bench(opts: BenchOptions): Promise<BenchRow[]> {
  const at = process.argv.indexOf('--mib');
  const sizeMiB = at >= 0 ? Number(process.argv[at + 1]) : opts.quick ? 32 : 256;
  if (!Number.isInteger(sizeMiB) || sizeMiB < 1 || sizeMiB > 500) throw new Error(`--mib takes 1..500 (the orchestrator's cap), got '${process.argv[at + 1]}'`);
  const f = await measureOrchestratorPush(sizeMiB, opts.runs);
  const size = sizeMiB * MIB;
  const rate = (ms: number[]) => mbPerS(size, median(ms));
  const rateText = (ms: number[]) => `${rate(ms).toFixed(0)} MB/s`;
  const ratio = rate(f.oursMs) / rate(f.curlMs);
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  return [{
    measure: `push ${sizeMiB} MiB over p2p to the real RingRift orchestrator vs curl -F to the same /files/upload (throughput)`,
    ours: rateText(f.oursMs),
    peer: rateText(f.curlMs),
    ratio: times(ratio),
    goal: `>= ${GOAL.toFixed(1)}x`,
    met: ratio >= GOAL,
    note: `Median of ${f.oursMs.length}, interleaved, against one orchestrator (RingRift 2aa9f89, network namespace, veth) with the landed file deleted before each run: ` +
      `ours (the library's P2PTransport.push: GET /health, streamed multipart POST with the local sha256 computed meanwhile, then the sha256 of GET /files/info compared) ` +
      `${runsText(f.oursMs, seconds)}; curl -F (no check at all) ${runsText(f.curlMs, seconds)}. ` +
      `Apart from the upload, ours spends GET /health ${seconds(median(f.healthMs))} and GET /files/info ${seconds(median(f.infoMs))} (the orchestrator hashing the stored file in 8 KiB reads): ` +
      `with that check, our only one at the pinned commit, and nothing else of ours, at best ${times(median(f.curlMs) / (median(f.curlMs) + median(f.infoMs)))}. ` +
      `The same file again (local sha256 remembered, as to the next node): ${rateText(f.againMs)}, ${times(rate(f.againMs) / rate(f.curlMs))}. ` +
      `Client CPU per push: ours ${seconds(median(f.oursCpuMs))}, curl ${seconds(median(f.curlCpuMs))}; the orchestrator's: ${seconds(median(f.serverCpuOursMs))} for ours, ${seconds(median(f.serverCpuCurlMs))} for curl. ` +
      `Peak RSS growth of our process during a push: ${runsText(f.rssGrowth, mib)}. Load average before/after: ${load(f.load.before)}; ${load(f.load.after)}.`,
  }];
}

benchMain(module, bench);
