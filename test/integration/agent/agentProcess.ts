import * as fs from 'node:fs';
import { CLI_JS, ensureBuilt } from '../harness/cluster';
import { startProcess, type Started } from '../harness/processes';

/** `node dist/cli.js agent ...` as a real child process on a loopback address. */
export interface AgentProcess {
  proc: Started;
  address: string;
  port: number;
  root: string;
  url: string;
  /** SIGTERM (or the given signal) and wait for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface AgentProcessOptions {
  address: string;
  root: string;
  /** 0 (default): the agent picks a free port and prints it. */
  port?: number;
  name?: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
}

export async function spawnAgent(o: AgentProcessOptions): Promise<AgentProcess> {
  ensureBuilt();
  fs.mkdirSync(o.root, { recursive: true });
  const args = [CLI_JS, 'agent', '--port', String(o.port ?? 0), '--bind', o.address, '--root', o.root, '--name', o.name ?? 'test-node', ...(o.args ?? [])];
  const proc = startProcess(process.execPath, args, { env: { ...process.env, ...o.env } });
  const deadline = Date.now() + 5000;
  let m: RegExpMatchArray | null;
  while (!(m = proc.output().match(/listening on (http:\/\/[\d.]+:(\d+)) root /))) {
    if (proc.child.exitCode !== null || Date.now() > deadline) {
      await proc.stop('SIGKILL');
      throw new Error(`agent did not start on ${o.address}:\n${proc.output()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { proc, address: o.address, port: Number(m[2]), root: o.root, url: m[1], stop: (signal) => proc.stop(signal) };
}

/** Runs the CLI to completion and returns its exit code and output. */
export function runCli(args: string[], timeoutMs = 10000): Promise<{ code: number | null; output: string }> {
  ensureBuilt();
  const proc = startProcess(process.execPath, [CLI_JS, ...args]);
  return new Promise((resolve) => {
    const timer = setTimeout(() => void proc.stop('SIGKILL'), timeoutMs);
    proc.child.once('exit', (code) => {
      clearTimeout(timer);
      setImmediate(() => resolve({ code, output: proc.output() }));
    });
  });
}

/** Waits until the process has printed something matching `re` (bounded). */
export async function waitForOutput(proc: Started, re: RegExp, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!re.test(proc.output())) {
    if (Date.now() > deadline) throw new Error(`no output matching ${re} in ${ms} ms:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
