import { spawn, type ChildProcess } from 'node:child_process';
import { describeError } from '../result';

/**
 * A child process (rsync, ssh) that can never outlive its bounds: it runs in its own process
 * group, so an abort or a deadline kills rsync AND the ssh it started (SIGTERM, then SIGKILL after
 * a grace period). rsync on SIGTERM still tells the node to keep the partial file.
 */

export interface BoundedRunOptions {
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Kill the whole group after this long; undefined: no deadline (rsync's --timeout bounds idling). */
  deadlineMs?: number;
  onStdout?: (chunk: string) => void;
  /** Keep stdin open as a pipe (for a command that waits for a go line). Default: ignored. */
  stdinPipe?: boolean;
  /** How much of stdout to keep (the tail); default 16000 characters. */
  keepStdoutChars?: number;
}

interface BoundedRunOutcome {
  /** Exit code, or null when killed by a signal or never started. */
  rc: number | null;
  /** Tail of stdout (the part after progress lines matters: the stats block or a hash). */
  stdout: string;
  /** Tail of stderr: where ssh and rsync explain failures. */
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  /** Set when the program could not be started at all (ENOENT: not installed). */
  spawnError?: string;
  durationMs: number;
}

export interface BoundedRun {
  child: ChildProcess;
  done: Promise<BoundedRunOutcome>;
  /** Kills the process group now (idempotent). */
  kill(): void;
}

const KEEP_CHARS = 16000;
/** SIGTERM lets rsync save the partial; SIGKILL follows if it has not exited by then. */
const KILL_GRACE_MS = 700;

export function runBounded(cmd: string, args: string[], opts: BoundedRunOptions): BoundedRun {
  const started = Date.now();
  const child = spawn(cmd, args, {
    env: opts.env,
    detached: true,
    stdio: [opts.stdinPipe ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  const group = processGroup(child);
  const seen: Omit<BoundedRunOutcome, 'rc' | 'durationMs'> = { stdout: '', stderr: '', timedOut: false, aborted: false, spawnError: undefined };
  const onAbort = () => {
    seen.aborted = true;
    group.kill();
  };
  const deadline = opts.deadlineMs !== undefined
    ? setTimeout(() => {
        seen.timedOut = true;
        group.kill();
      }, opts.deadlineMs)
    : undefined;
  if (opts.signal.aborted) onAbort();
  else opts.signal.addEventListener('abort', onAbort, { once: true });
  keepOutput(child, opts, seen);

  const done = new Promise<BoundedRunOutcome>((resolve) => {
    const finish = (rc: number | null) => {
      group.exited();
      if (deadline) clearTimeout(deadline);
      opts.signal.removeEventListener('abort', onAbort);
      const { stdout, stderr, timedOut, aborted, spawnError } = seen;
      resolve({ rc, stdout, stderr, timedOut, aborted, spawnError, durationMs: Date.now() - started });
    };
    child.once('error', (err) => {
      seen.spawnError = describeError(err);
      finish(null);
    });
    child.once('close', (code) => finish(code));
  });
  return { child, done, kill: group.kill };
}

/** Kills the child's whole process group: SIGTERM, then SIGKILL after the grace period. */
function processGroup(child: ChildProcess): { kill(): void; exited(): void } {
  let exited = false;
  let graceTimer: NodeJS.Timeout | undefined;
  const signalGroup = (sig: NodeJS.Signals) => {
    if (!child.pid) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      try {
        child.kill(sig);
      } catch {
        /* already gone */
      }
    }
  };
  return {
    kill: () => {
      if (exited || graceTimer) return;
      signalGroup('SIGTERM');
      graceTimer = setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS);
    },
    exited: () => {
      exited = true;
      if (graceTimer) clearTimeout(graceTimer);
    },
  };
}

/** Keeps the tails of stdout and stderr, passing stdout on as it comes. */
function keepOutput(child: ChildProcess, opts: BoundedRunOptions, seen: { stdout: string; stderr: string }): void {
  child.stdout?.setEncoding('utf8').on('data', (s: string) => {
    seen.stdout = (seen.stdout + s).slice(-(opts.keepStdoutChars ?? KEEP_CHARS));
    opts.onStdout?.(s);
  });
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    seen.stderr = (seen.stderr + s).slice(-KEEP_CHARS);
  });
  // A write to a stdin whose reader already died must not crash the caller.
  child.stdin?.on('error', () => undefined);
}
