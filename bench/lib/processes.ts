import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Every process a bench starts is tracked and stopped by its PID (its process group when it was
 * started detached), at `stopAll()` and, as a last resort, when the bench process exits.
 */
const running = new Set<ChildProcess>();

function kill(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // A detached child leads its own group: signal the group so its children go too.
    process.kill((child as { detachedGroup?: boolean }).detachedGroup ? -child.pid : child.pid, signal);
  } catch {
    /* already gone */
  }
}

process.on('exit', () => running.forEach((c) => kill(c, 'SIGKILL')));

export interface Tracked {
  child: ChildProcess;
  /** Last 20 kB of stdout + stderr (for failure messages). */
  output(): string;
  exited: Promise<number | null>;
  /** SIGTERM (SIGKILL after `graceMs`), then waits for the exit. */
  stop(graceMs?: number): Promise<void>;
}

export function startTracked(cmd: string, args: string[], opts: SpawnOptions & { group?: boolean } = {}): Tracked {
  const { group, ...spawnOpts } = opts;
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: group ?? false, ...spawnOpts });
  (child as { detachedGroup?: boolean }).detachedGroup = group ?? false;
  running.add(child);
  let out = '';
  const keep = (b: Buffer) => void (out = (out + b.toString()).slice(-20000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    });
    child.once('error', (err) => {
      out += `\n${err.message}`;
      running.delete(child);
      resolve(null);
    });
  });
  return {
    child,
    output: () => out,
    exited,
    async stop(graceMs = 3000) {
      if (child.exitCode !== null || child.signalCode !== null || !running.has(child)) return;
      kill(child, 'SIGCONT');
      kill(child, 'SIGTERM');
      const force = setTimeout(() => kill(child, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(force);
    },
  };
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map(async (child) => {
    kill(child, 'SIGTERM');
    const force = setTimeout(() => kill(child, 'SIGKILL'), 3000);
    await new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
    clearTimeout(force);
  }));
}

export interface TimedRun {
  rc: number | null;
  wallMs: number;
  /** user + system CPU of the command and every descendant it waited for (bash `times`). */
  cpuMs: number;
  stdout: string;
  /** Last 20 kB of stdout and stderr together (for failure messages). */
  output: string;
  timedOut: boolean;
}

/** `times` prints "0m1.250s 0m0.310s" for the shell, then the same for its children. */
function parseTimes(text: string): number {
  const lines = text.trim().split('\n');
  const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(lines[lines.length - 1] ?? '');
  return m ? (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000 : NaN;
}

/**
 * Runs `cmd args` under bash to get its CPU time as well as its wall time, bounded by `timeoutMs`
 * (the whole process group is killed then). stdout is kept whole.
 */
export async function runTimed(cmd: string, args: string[], opts: { timeoutMs: number; env?: NodeJS.ProcessEnv; cwd?: string }): Promise<TimedRun> {
  const timesFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-bench-times-')), 'times');
  const script = '"$@"; rc=$?; times > "$BENCH_TIMES_FILE"; exit $rc';
  const t0 = performance.now();
  const run = startTracked('bash', ['-c', script, 'bench', cmd, ...args], {
    group: true, cwd: opts.cwd, env: { ...(opts.env ?? process.env), BENCH_TIMES_FILE: timesFile },
  });
  let stdout = '';
  run.child.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void run.stop();
  }, opts.timeoutMs);
  const rc = await run.exited;
  clearTimeout(timer);
  const wallMs = performance.now() - t0;
  let cpuMs = NaN;
  try {
    cpuMs = parseTimes(fs.readFileSync(timesFile, 'utf8'));
  } catch {
    /* killed before `times` ran */
  }
  fs.rmSync(path.dirname(timesFile), { recursive: true, force: true });
  return { rc, wallMs, cpuMs, stdout, output: run.output(), timedOut };
}

/**
 * CPU time of a process plus its reaped children (utime+stime+cutime+cstime from /proc, in ms):
 * for an sshd listener that is every session it served. 0 once the process is gone.
 */
export function procCpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    return (ticks * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return 0;
  }
}
/** USER_HZ: 100 on every Linux we run on (getconf CLK_TCK). */
const CLOCK_TICKS_PER_S = 100;
