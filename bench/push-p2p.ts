/**
 * Benchmark: our p2p push vs `curl -T` to the same agent, 256 MiB over loopback, median of 3.
 * Both land in the same agent (a real `ringrift-sync agent` child process), which hashes, writes
 * and fsyncs either way. Ours does a HEAD first; on a file's first push ("first") it hashes the
 * file while sending (the sha256 travels as a trailer); pushing the same file again, as to the next
 * node ("again"), it already knows the sha256. curl is handed the sha256 computed beforehand, untimed.
 * A plain Node http client ("node": no code of ours, the sha256 known, 1 MiB reads, write and
 * drain) measures where Node itself stands against curl here: the floor of any client in Node.
 *
 *   npx tsx bench/push-p2p.ts [MiB] [runs]
 * bench/push-speed.ts calls measureP2pPush() for the runner (npm run bench).
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { NodeSpec } from '../src/core/hosts/nodeSpec';
import { forgetCellHashes } from '../src/core/transports/cellHashCache';
import { P2PTransport } from '../src/core/transports/http/p2p';
import { DEFAULT_TRANSPORT_OPTIONS } from '../src/core/transports/transport';

const MIB = 1 << 20;
const HOST = '127.0.0.1';
const repo = path.resolve(__dirname, '..');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

export interface P2pPushFigures {
  sizeMiB: number;
  curlMs: number[];
  /** Our push of a new file (sha256 computed while sending). */
  firstMs: number[];
  /** The same file again (sha256 known), as to the next node. */
  againMs: number[];
  /** A plain Node http PUT, sha256 known (no code of ours). */
  nodeMs: number[];
  ourCpuMsPerPush: number;
}

export async function measureP2pPush(sizeMiB: number, RUNS: number): Promise<P2pPushFigures> {
  // The runner (npm run bench) has built dist/ already.
  if (!process.env.RINGRIFT_BENCH_BUILT) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: repo, stdio: 'inherit' });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-bench-p2p-'));
  const root = path.join(work, 'root');
  fs.mkdirSync(root);
  const file = path.join(work, 'payload.bin');
  const fd = fs.openSync(file, 'w');
  for (let i = 0; i < sizeMiB; i++) fs.writeSync(fd, randomBytes(MIB));
  fs.closeSync(fd);
  const size = sizeMiB * MIB;
  const sha = createHash('sha256').update(fs.readFileSync(file)).digest('hex');

  const agent = spawn(process.execPath, [path.join(repo, 'dist/cli.js'), 'agent', '--port', '0', '--bind', HOST, '--root', root, '--name', 'bench'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const port = await new Promise<number>((resolve, reject) => {
    agent.once('exit', () => reject(new Error('agent exited')));
    agent.stdout!.on('data', (d: Buffer) => {
      const m = /listening on http:\/\/[\d.]+:(\d+)/.exec(d.toString());
      if (m) resolve(Number(m[1]));
    });
  });

  const node = { name: 'bench', address: HOST, sshHost: HOST, p2pEnabled: true, p2pPort: port, httpPort: undefined } as NodeSpec;
  const transport = new P2PTransport({ ...DEFAULT_TRANSPORT_OPTIONS, knownHostsFile: '/dev/null', env: process.env });
  let ourCpuMs = 0;
  const ours = async (name: string, first: boolean): Promise<number> => {
    if (first) forgetCellHashes();
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const r = await transport.push(node, { localPath: file, remotePath: name }, () => undefined, new AbortController().signal);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    ourCpuMs += (cpu.user + cpu.system) / 1000;
    if (!r.ok || r.bytesSent !== size || r.sha256 !== sha) throw new Error(`our push failed: ${JSON.stringify(r)}`);
    return ms;
  };
  const curl = async (name: string): Promise<number> => {
    const t0 = performance.now();
    const { stdout } = await promisify(execFile)('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-T', file,
      '-H', `X-Sha256: ${sha}`, '-H', `X-Total-Size: ${size}`, `http://${HOST}:${port}/files/${name}`]);
    const ms = performance.now() - t0;
    if (stdout.trim() !== '201') throw new Error(`curl -T got HTTP ${stdout}`);
    return ms;
  };

  const plainNode = (name: string) => plainNodePut(port, name, file, size, sha);
  const times: Record<'first' | 'again' | 'curl' | 'node', number[]> = { first: [], again: [], curl: [], node: [] };
  const run = { first: (n: string) => ours(n, true), again: (n: string) => ours(n, false), curl, node: plainNode };
  const orders: Array<Array<keyof typeof run>> = [['first', 'curl', 'again', 'node'], ['curl', 'node', 'first', 'again'], ['node', 'first', 'again', 'curl']];
  try {
    // Each run starts from the same state: previous uploads deleted and flushed (writeback of
    // earlier runs would otherwise slow whichever runs last), and the order rotates per round.
    for (let i = 0; i < RUNS; i++) {
      for (const kind of orders[i % orders.length]) {
        for (const f of fs.readdirSync(root)) fs.rmSync(path.join(root, f));
        execFileSync('sync');
        times[kind].push(await run[kind](`${kind}-${i}.bin`));
      }
    }
  } finally {
    agent.kill('SIGTERM');
    fs.rmSync(work, { recursive: true, force: true });
  }
  const line = (label: string, xs: number[]) =>
    `${label.padEnd(40)} ${mbps(size, median(xs)).toFixed(0).padStart(5)} MB/s  (runs: ${xs.map((x) => mbps(size, x).toFixed(0)).join(', ')})`;
  const curlRate = mbps(size, median(times.curl));
  const ratio = (xs: number[]) => `${(mbps(size, median(xs)) / curlRate).toFixed(2)}x`;
  console.log(`push of ${sizeMiB} MiB over loopback to a ringrift-sync agent, median of ${RUNS}`);
  console.log(line('curl -T', times.curl));
  console.log(line('ours, first push (hash while sending)', times.first));
  console.log(line('ours, same file again (hash known)', times.again));
  console.log(line('plain Node http client (hash known)', times.node));
  console.log(`ratio ours/curl: first ${ratio(times.first)}, again ${ratio(times.again)} (target >= 1.0x); plain Node ${ratio(times.node)}; our client CPU ${(ourCpuMs / (2 * RUNS)).toFixed(0)} ms per push`);
  return { sizeMiB, curlMs: times.curl, firstMs: times.first, againMs: times.again, nodeMs: times.node, ourCpuMsPerPush: ourCpuMs / (2 * RUNS) };
}

/** One PUT by Node's http client and nothing else: 1 MiB reads into 4 buffers in turn, write, wait for drain. */
async function plainNodePut(port: number, name: string, file: string, size: number, sha: string): Promise<number> {
  const t0 = performance.now();
  const status = await new Promise<number>((resolve, reject) => {
    const headers = { 'X-Sha256': sha, 'X-Total-Size': size, 'Content-Length': size, Expect: '100-continue' };
    const req = http.request({ host: HOST, port, method: 'PUT', path: `/files/${name}`, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.once('continue', () => {
      void (async () => {
        const fh = await fs.promises.open(file, 'r');
        const buffers = Array.from({ length: 4 }, () => Buffer.allocUnsafe(MIB));
        for (let off = 0, i = 0; off < size; off += MIB, i = (i + 1) % buffers.length) {
          const { bytesRead } = await fh.read(buffers[i], 0, Math.min(MIB, size - off), off);
          if (!req.write(buffers[i].subarray(0, bytesRead))) await new Promise((d) => req.once('drain', d));
        }
        await fh.close();
        req.end();
      })().catch(reject);
    });
  });
  if (status !== 201) throw new Error(`the plain Node PUT got HTTP ${status}`);
  return performance.now() - t0;
}

if (require.main === module) {
  measureP2pPush(Number(process.argv[2] ?? 256), Number(process.argv[3] ?? 3)).catch((err) => {
    console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
