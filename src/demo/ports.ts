import * as net from 'node:net';

/** Small network helpers for the loopback demo cluster (and the test harness built on it). */

/** A free TCP port on `host` (bind to 0, read, close). */
export async function freePort(host: string): Promise<number> {
  return (await freePorts(host, 1))[0];
}

/**
 * `count` distinct free TCP ports on `host`: each stays bound until all are read, since the
 * kernel may hand a port just closed out again (an agent's port equal to its sshd's).
 */
export async function freePorts(host: string, count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const srv = net.createServer();
      servers.push(srv);
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, host, () => resolve());
      });
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
}

/** Resolves once `host:port` accepts a connection (and, with `banner`, sends its first bytes). */
export async function waitForPort(host: string, port: number, timeoutMs: number, what: string, banner = false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const sock = net.connect({ host, port });
      const done = (v: boolean) => {
        sock.destroy();
        resolve(v);
      };
      sock.setTimeout(500, () => done(false));
      sock.once('error', () => done(false));
      if (banner) sock.once('data', () => done(true));
      else sock.once('connect', () => done(true));
    });
    if (up) return;
    if (Date.now() > deadline) throw new Error(`${what} did not come up on ${host}:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Refuses every address outside 127.0.0.0/8: the demo never sends a packet off this machine. */
export function assertLoopback(address: string): void {
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address)) throw new Error(`demo address ${address} is not on loopback (127.0.0.0/8)`);
}
