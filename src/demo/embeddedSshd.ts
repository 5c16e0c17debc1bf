import { spawn } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Server, utils, type AuthContext, type Connection, type ParsedKey, type ServerChannel } from 'ssh2';

/**
 * The demo's stand-in for OpenSSH when sshd is not installed: an ssh2 Server that accepts one
 * public key and runs each exec request with `sh -c` as this process's user (so the base64
 * pipeline and rsync work through it). For the demo only; tests always use real OpenSSH.
 */
export interface EmbeddedSshd {
  address: string;
  port: number;
  hostKeyPub: string;
  stop(): Promise<void>;
}

export interface EmbeddedSshdOptions {
  address: string;
  authorizedKey: string;
  /** Commands starting with one of these fail as "not found" (the demo's rsync-less node). */
  refuseCommands?: string[];
}

export async function startEmbeddedSshd(opts: EmbeddedSshdOptions): Promise<EmbeddedSshd> {
  const hostKey = utils.generateKeyPairSync('ed25519', { comment: `ringrift-demo-${opts.address}` });
  const allowed = utils.parseKey(opts.authorizedKey);
  if (allowed instanceof Error) throw allowed;
  const authenticate = acceptOnly(allowed);
  const clients = new Set<Connection>();

  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => undefined);
    client.on('authentication', authenticate);
    client.on('ready', () => serveSessions(client, opts));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, opts.address, () => resolve());
  });
  return {
    address: opts.address,
    port: (server.address() as AddressInfo).port,
    hostKeyPub: hostKey.public.trim(),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const c of clients) c.end();
        server.close(() => resolve());
      }),
  };
}

/** Accepts the one authorised public key (a signed login, or the query whether it would do). */
function acceptOnly(allowed: ParsedKey): (ctx: AuthContext) => void {
  const allowedPub = allowed.getPublicSSH();
  return (ctx) => {
    const k = ctx.method === 'publickey' ? ctx.key : undefined;
    const same = k && k.algo === allowed.type && k.data.length === allowedPub.length && timingSafeEqual(k.data, allowedPub);
    if (ctx.method === 'publickey' && same) {
      if (!ctx.signature) return ctx.accept();
      if (ctx.blob && allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) return ctx.accept();
    }
    ctx.reject(['publickey']);
  };
}

/** Exec requests only (a pty is granted, shells and subsystems refused). */
function serveSessions(client: Connection, opts: EmbeddedSshdOptions): void {
  client.on('session', (acceptSession) => {
    const session = acceptSession();
    session.on('exec', (accept, _reject, info) => {
      const stream = accept();
      if (opts.refuseCommands?.some((c) => info.command.trimStart().startsWith(c))) {
        stream.stderr.write(`sh: 1: ${info.command.trim().split(/\s+/)[0]}: not found\n`);
        stream.exit(127);
        stream.end();
        return;
      }
      runExec(stream, info.command);
    });
    session.on('pty', (accept) => accept?.());
    session.on('shell', (_accept, reject) => reject?.());
    session.on('subsystem', (_accept, reject) => reject?.());
  });
}

/** `sh -c COMMAND` on the channel; its exit status goes back once both output streams ended. */
function runExec(stream: ServerChannel, command: string): void {
  const child = spawn('sh', ['-c', command], { cwd: process.env.HOME || '/', stdio: 'pipe' });
  stream.pipe(child.stdin);
  child.stdin.on('error', () => undefined);
  child.stdout.pipe(stream, { end: false });
  child.stderr.pipe(stream.stderr, { end: false });
  let open = 2;
  let code: number | null = null;
  const finish = () => {
    if (open > 0 || code === null) return;
    stream.exit(code);
    stream.end();
  };
  child.stdout.on('end', () => (open--, finish()));
  child.stderr.on('end', () => (open--, finish()));
  child.on('exit', (c, sig) => ((code = c ?? (sig ? 128 : 1)), finish()));
  stream.on('close', () => child.exitCode === null && child.kill());
}
