import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

/**
 * Daemons the lab starts inside its namespaces (sshd, agents, delay lines, flap loops). They are
 * detached, so a lab brought up by `cli.ts up` outlives that command, and recorded by PID plus
 * start time, so a stop never signals a process that merely reuses the PID.
 */

export interface LabProcess {
  pid: number;
  /** Start time in clock ticks since boot (/proc/PID/stat field 22). */
  startTicks: number;
  /** What it is, e.g. `sshd n1`, `delay-line n2`. */
  role: string;
  log: string;
}

function startTicksOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself contain spaces and parentheses.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return undefined;
  }
}

export function isRunning(p: LabProcess): boolean {
  return startTicksOf(p.pid) === p.startTicks;
}

/** Starts `cmd` inside namespace `ns`; `ip netns exec` execs it, so the PID is the daemon's own. */
export function startIn(ns: string, role: string, cmd: string, args: string[], log: string, env: NodeJS.ProcessEnv = {}): LabProcess {
  const fd = fs.openSync(log, 'a');
  const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, ...env },
  });
  fs.closeSync(fd);
  child.unref();
  const pid = child.pid;
  if (!pid) throw new Error(`lab: could not start ${role} (${cmd})`);
  return { pid, startTicks: startTicksOf(pid) ?? -1, role, log };
}

/** A daemon some other starter launched (its PID known), recorded as if the lab had started it. */
export function adoptProcess(pid: number, role: string, log: string): LabProcess {
  const startTicks = startTicksOf(pid);
  if (startTicks === undefined) throw new Error(`lab: ${role} (pid ${pid}) is not running`);
  return { pid, startTicks, role, log };
}

/** The last lines a process logged, for failure messages. */
export function logTail(p: LabProcess, chars = 2000): string {
  try {
    return fs.readFileSync(p.log, 'utf8').slice(-chars).trim();
  } catch {
    return '';
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. Only ever this one PID. */
export async function stopProcess(p: LabProcess, graceMs = 2000): Promise<void> {
  const deadline = Date.now() + graceMs;
  let signal: NodeJS.Signals = 'SIGTERM';
  while (isRunning(p)) {
    try {
      process.kill(p.pid, signal);
    } catch {
      return;
    }
    if (Date.now() > deadline) signal = 'SIGKILL';
    await new Promise((r) => setTimeout(r, 25));
  }
}
