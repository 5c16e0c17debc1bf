import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import * as net from 'node:net';

/**
 * Every process a test starts is tracked here and stopped by its PID: at `stopAll()`, and as a last
 * resort when the test process exits, so a failed test never leaves an sshd or agent behind.
 */
const running = new Set<ChildProcess>();

process.on('exit', () => {
  for (const child of running) {
    try {
      if (child.pid) process.kill(child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

export interface Started {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far (for failure messages). */
  output(): string;
  /** Sends SIGTERM (or the given signal), waits for exit (SIGKILL after 3 s). */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function startProcess(cmd: string, args: string[], opts: SpawnOptions = {}): Started {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  running.add(child);
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-20000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => running.delete(child));
  return {
    child,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // A SIGSTOPped process ignores SIGTERM until continued.
      try {
        child.kill('SIGCONT');
        child.kill(signal);
      } catch {
        return;
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export { freePort, freePorts, waitForPort } from '../../../src/demo/ports';

/** A TCP server that accepts connections and never sends a byte: the "hung service" fault. */
export async function startSilentServer(host: string): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => srv.listen(0, host, resolve));
  return {
    port: (srv.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        srv.close(() => resolve());
      }),
  };
}
