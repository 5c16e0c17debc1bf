import * as net from 'node:net';

/** Small network helpers for the loopback demo cluster (and the test harness built on it). */

/** A free TCP port on `host` (bind to 0, read, close). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
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
