import { execFileSync } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { REPO_ROOT } from '../integration/harness/cluster';
import { startProcess } from '../integration/harness/processes';
import { congestionEnv, type Congestion } from './native';

/** Measurements the lab tests assert on: connect outcomes and times, single-stream throughput. */

type ConnectResult = 'connected' | 'refused' | 'timeout' | 'unreachable' | 'reset';

export interface ConnectOutcome {
  result: ConnectResult;
  ms: number;
}

const ERRNO_RESULT: Record<string, ConnectResult> = {
  ECONNREFUSED: 'refused',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  ECONNRESET: 'reset',
};

/** One TCP connect from the client, bounded by `timeoutMs`. */
export function tryConnect(host: string, port: number, timeoutMs: number): Promise<ConnectOutcome> {
  const t0 = process.hrtime.bigint();
  const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    const done = (result: ConnectResult) => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ result, ms: ms() });
    };
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    sock.once('connect', () => done('connected'));
    sock.once('error', (err: NodeJS.ErrnoException) => {
      const result = ERRNO_RESULT[err.code ?? ''];
      if (result) return done(result);
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Median connect time over `n` connects (each must succeed). */
export async function medianConnectMs(host: string, port: number, n = 5): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const o = await tryConnect(host, port, 5000);
    if (o.result !== 'connected') throw new Error(`connect to ${host}:${port}: ${o.result}`);
    times.push(o.ms);
  }
  return times.sort((a, b) => a - b)[Math.floor(n / 2)];
}

const TOOL = path.join(__dirname, 'tcpTool.ts');
const toolArgs = (args: string[]) => ['--import', 'tsx', TOOL, ...args];

export interface Sink {
  /** The next closed connection: bytes received, ms from first to last byte. */
  next(timeoutMs: number): Promise<{ bytes: number; ms: number }>;
  stop(): Promise<void>;
}

/** A TCP sink on `port` inside namespace `ns`. */
export async function startSink(ns: string, port: number): Promise<Sink> {
  const proc = startProcess('ip', ['netns', 'exec', ns, process.execPath, ...toolArgs(['sink', String(port)])], { cwd: REPO_ROOT });
  const lines = () => proc.output().split('\n').filter((l) => l.startsWith('{'));
  const waitFor = async (ok: () => boolean, timeoutMs: number, what: string) => {
    const deadline = Date.now() + timeoutMs;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`sink in ${ns}: ${what} within ${timeoutMs} ms\n${proc.output()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  await waitFor(() => proc.output().includes('listening'), 10000, 'not listening');
  let seen = 0;
  return {
    async next(timeoutMs) {
      await waitFor(() => lines().length > seen, timeoutMs, 'no connection closed');
      return JSON.parse(lines()[seen++]);
    },
    stop: () => proc.stop(),
  };
}

/**
 * Runs the sender in the client namespace with the shim setting its congestion control, and reads
 * the algorithm its socket really uses from `ss` while it sends.
 */
export async function send(host: string, port: number, bytes: number, seconds: number, cc: Congestion): Promise<{ sent: number; cc: string }> {
  const env = { ...process.env, ...congestionEnv(cc) };
  const proc = startProcess(process.execPath, toolArgs(['send', host, String(port), String(bytes), String(seconds)]), { cwd: REPO_ROOT, env });
  const exited = new Promise<number | null>((resolve) => proc.child.once('exit', resolve));
  let seen = '';
  for (let t = 0; t < 40 && !seen && proc.child.exitCode === null; t++) {
    await new Promise((r) => setTimeout(r, 100));
    const ss = execFileSync('ss', ['-tinH', 'dst', `${host}:${port}`], { encoding: 'utf8' });
    seen = /\b(cubic|bbr|reno)\b/.exec(ss)?.[1] ?? '';
  }
  const code = await exited;
  const report = proc.output().split('\n').find((l) => l.startsWith('{'));
  if (code !== 0 || !report) throw new Error(`sender to ${host}:${port} failed (exit ${code}): ${proc.output()}`);
  return { sent: JSON.parse(report).sent, cc: seen };
}

/** Mbit/s of one stream sent for `seconds`, as the receiving sink counted it. */
export async function streamMbit(sink: Sink, host: string, port: number, seconds: number, cc: Congestion): Promise<{ mbit: number; cc: string }> {
  const sent = await send(host, port, 64 * 1024 ** 3, seconds, cc);
  const got = await sink.next(30000);
  return { mbit: (got.bytes * 8) / (got.ms * 1000), cc: sent.cc };
}
