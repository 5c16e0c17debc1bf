import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunningAgent } from '../../../../../src/agent/server';
import type { NodeSpec } from '../../../../../src/core/hosts/nodeSpec';
import { DEFAULT_TRANSPORT_OPTIONS, type TransportOptions } from '../../../../../src/core/transports/transport';
import { nodeSpec } from '../../../helpers/nodeSpec';

/** A ready node whose p2p and http addresses both point at `agent` unless overridden. */
export function nodeFor(agent: Pick<RunningAgent, 'address' | 'port'>, overrides: Partial<NodeSpec> = {}): NodeSpec {
  return nodeSpec({
    name: 'test-node',
    address: agent.address,
    sshHost: agent.address,
    tailscaleIp: undefined,
    p2pPort: agent.port,
    httpPort: agent.port,
    remoteBase: undefined,
    ...overrides,
  });
}

/** Short bounds, so the fault tests finish quickly; a hang still fails them. */
export function testOptions(over: Partial<TransportOptions> = {}): TransportOptions {
  return { ...DEFAULT_TRANSPORT_OPTIONS, connectTimeoutMs: 1000, probeTimeoutMs: 1000, idleTimeoutMs: 2000, knownHostsFile: '/dev/null', env: {}, ...over };
}

export const never = (): AbortSignal => new AbortController().signal;

export function tempFile(bytes: Buffer, name = 'local.bin'): { file: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-local-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return { file, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A port on `host` where nothing listens (bound, read, closed). */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, host, r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/**
 * A TCP server on an ephemeral port; `onConnection` registers every socket it opens with `track`,
 * so close() cuts them all (a server's close alone waits for its connections to end).
 */
async function trackedServer(host: string, onConnection: (client: net.Socket, track: (...s: net.Socket[]) => void) => void): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const track = (...s: net.Socket[]) => s.forEach((x) => sockets.add(x));
  const srv = net.createServer((client) => onConnection(client, track));
  await new Promise<void>((r) => srv.listen(0, host, r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      srv.close(() => r());
    }),
  };
}

/** A TCP server that accepts and never says a byte (a hung agent, or a SIGSTOPped one). */
export function silentServer(host = '127.0.0.1'): Promise<{ port: number; close(): Promise<void> }> {
  return trackedServer(host, (s, track) => {
    track(s);
    s.on('error', () => undefined);
    s.resume();
  });
}

/**
 * A listener whose accept queue is full: the kernel drops further SYNs, so a connect hangs as
 * behind a dropping firewall. Node always accepts, so this is a tiny python3 process that never does.
 */
export async function fullBacklogListener(host = '127.0.0.1'): Promise<{ port: number; close(): void }> {
  const script = 'import socket,time\ns=socket.socket()\ns.bind((HOST,0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(60)';
  const py: ChildProcess = spawn('python3', ['-c', script.replace('HOST', JSON.stringify(host))], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    py.once('error', reject);
    py.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
  });
  // One completed handshake fills a backlog of 0; the next SYNs go unanswered.
  const filler = net.connect(port, host);
  filler.on('error', () => undefined);
  await new Promise<void>((r) => filler.once('connect', () => r()));
  return {
    port,
    close() {
      filler.destroy();
      py.kill('SIGKILL');
    },
  };
}

/** An HTTP server that is not a ringrift agent: answers every request with `status` and `body`. */
export async function otherHttpServer(status: number, body: string, host = '127.0.0.1'): Promise<{ port: number; address: string; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const srv = createServer((req, res) => {
    req.resume();
    res.writeHead(status, { 'Content-Type': 'text/plain' });
    res.end(body);
  });
  await new Promise<void>((r) => srv.listen(0, host, r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    address: host,
    close: () => new Promise<void>((r) => {
      srv.closeAllConnections();
      srv.close(() => r());
    }),
  };
}

/** A TCP pass-through in front of `target` that keeps the first bytes each client sent (request heads). */
/** A request line and its headers, where it shows in the bytes a client sent. */
const REQUEST_HEAD = /(?:GET|HEAD|PUT|POST) \/\S* HTTP\/1\.1\r\n[^]*?\r\n\r\n/g;

/**
 * A TCP pass-through in front of `target` that keeps the first 2 KiB each client connection sent
 * (`heads`: one entry per connection) and every request head it saw (`requests`, in order).
 */
export async function wireTap(target: { address: string; port: number }, host = '127.0.0.1'): Promise<{ port: number; heads: string[]; requests: string[]; close(): Promise<void> }> {
  const heads: string[] = [];
  const requests: string[] = [];
  const server = await trackedServer(host, (client, track) => {
    const upstream = net.connect(target.port, target.address);
    track(client, upstream);
    let head = '';
    const index = heads.push('') - 1;
    client.on('data', (d: Buffer) => {
      if (head.length < 2048) heads[index] = head += d.subarray(0, 2048).toString('latin1');
      requests.push(...(d.toString('latin1').match(REQUEST_HEAD) ?? []));
    });
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  return { ...server, heads, requests };
}

/**
 * A TCP pass-through in front of `target` that cuts each connection once the client sent
 * `cutAfter` bytes on it, like a middlebox that cuts long flows: the target gets exactly the first
 * `cutAfter` bytes and then the end of the stream; the client gets a reset once the target closed.
 */
export function cuttingProxy(target: { address: string; port: number }, cutAfter: number, host = '127.0.0.1'): Promise<{ port: number; close(): Promise<void> }> {
  return trackedServer(host, (client, track) => {
    const upstream = net.connect(target.port, target.address);
    track(client, upstream);
    let sent = 0;
    client.on('data', (d: Buffer) => {
      const room = cutAfter - sent;
      sent += d.length;
      if (room > 0) upstream.write(room >= d.length ? d : d.subarray(0, room));
      // The agent's side ends with a FIN, not a reset (a reset would discard what the agent had not
      // read yet), and the client's side is cut once the agent let go of the connection: what the
      // client then asks the agent finds the cut upload settled, not still being read.
      if (sent >= cutAfter && room > 0) {
        upstream.unpipe(client); // nothing the agent answers reaches the client
        const cut = () => client.resetAndDestroy();
        upstream.once('close', cut);
        setTimeout(cut, 2000).unref();
        upstream.end();
      }
    });
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
}
