import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { Server, utils, type Connection, type ServerChannel, type Session } from 'ssh2';

/**
 * An SSH peer built on ssh2's `Server`, for the faults a real sshd cannot be told to make: drop the
 * connection after N bytes of command input, or answer a command with "command not found".
 * Publickey auth against one key; `exec` runs through `bash -c` as this test process's user, so
 * the files it writes are real. Listens on loopback only. Everything else (host keys, auth, paths)
 * is tested against the real OpenSSH nodes of cluster.ts.
 */
export interface FakeSshdOptions {
  /** Loopback address to listen on. */
  address: string;
  /** Public key file (`.pub`) of the one client key accepted. */
  authorizedKeyFile: string;
}

export class FakeSshd {
  /** Drop the whole connection once this many bytes of exec stdin arrived on it (undefined: never). */
  dropAfterBytes: number | undefined;
  /** Exec commands matching this answer `bash: ...: command not found`, exit 127. */
  failCommands: RegExp | undefined;
  /** Exec stdin bytes received, over all connections. */
  stdinBytes = 0;
  /** Commands run, in order. */
  readonly commands: string[] = [];
  readonly hostKeyPub: string;
  port = 0;
  private readonly server: Server;
  private readonly clients = new Set<Connection>();

  constructor(private readonly opts: FakeSshdOptions) {
    const pair = utils.generateKeyPairSync('ed25519');
    this.hostKeyPub = pair.public.trim();
    const allowed = utils.parseKey(fs.readFileSync(opts.authorizedKeyFile));
    if (allowed instanceof Error) throw allowed;
    const allowedPub = allowed.getPublicSSH();
    this.server = new Server({ hostKeys: [pair.private] }, (client) => {
      this.clients.add(client);
      client.on('close', () => this.clients.delete(client));
      client.on('error', () => undefined);
      client.on('authentication', (ctx) => {
        if (ctx.method === 'publickey' && ctx.key.algo === allowed.type && ctx.key.data.length === allowedPub.length && timingSafeEqual(ctx.key.data, allowedPub)) {
          if (!ctx.signature || allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true) return ctx.accept();
        }
        ctx.reject(['publickey']);
      });
      const conn: ConnState = { bytes: 0, fed: new Set(), dropping: false };
      client.on('ready', () => client.on('session', (accept) => this.onSession(client, accept(), conn)));
    });
  }

  /** The known_hosts line for this server's key. */
  knownHostsLine(): string {
    const [type, key] = this.hostKeyPub.split(/\s+/);
    return `[${this.opts.address}]:${this.port} ${type} ${key}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, this.opts.address, resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.end();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onSession(client: Connection, session: Session, conn: ConnState): void {
    session.on('exec', (accept, _reject, info) => {
      this.commands.push(info.command);
      const stream = accept();
      if (this.failCommands?.test(info.command)) {
        stream.stderr.write(`bash: ${info.command.split(' ')[0]}: command not found\n`);
        stream.exit(127);
        stream.end();
        return;
      }
      const child = spawn('bash', ['-c', info.command], { env: process.env, cwd: process.env.HOME || '/' });
      let answered: () => void = () => undefined;
      const answer = new Promise<void>((resolve) => (answered = resolve));
      // Its input all came (the client's EOF, as it arrives; the stream's own 'end' waits until the
      // command read it): a drop on another channel waits for its answer. Not for a command still
      // reading, such as a ranged push's finish, which answers only once told to commit.
      session.once('eof', () => (conn.fed.add(answer), void answer.then(() => conn.fed.delete(answer))));
      stream.on('data', (b: Buffer) => {
        conn.bytes += b.length;
        this.stdinBytes += b.length;
        if (this.dropAfterBytes !== undefined && conn.bytes >= this.dropAfterBytes) this.drop(client, conn, { stream, child, answer });
      });
      stream.pipe(child.stdin);
      child.stdout.pipe(stream, { end: false });
      child.stderr.pipe(stream.stderr, { end: false });
      child.stdin.on('error', () => undefined);
      let streamsDone = 0;
      let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      const finish = () => {
        if (streamsDone < 2 || !exit) return;
        if (exit.signal) stream.exit(exit.signal.replace(/^SIG/, ''), false, '');
        else stream.exit(exit.code ?? 1);
        stream.end();
        answered();
      };
      child.stdout.on('end', () => (streamsDone++, finish()));
      child.stderr.on('end', () => (streamsDone++, finish()));
      child.on('exit', (code, signal) => ((exit = { code, signal }), finish()));
      stream.on('close', () => {
        answered();
        if (child.exitCode === null) child.kill();
      });
    });
  }

  /**
   * A network drop, not a polite close: the socket goes away under the transfer, after exactly the
   * bytes asked for of the channel being written (`cut.stream`: its input stops there). Commands
   * that took all their input on other channels answer first: the client writes its next range while the
   * node still verifies the one before, and a cut then would make it depend on timing whether that
   * one's answer got back (a real sshd lets such a command run on; this fake kills what is left).
   */
  private drop(client: Connection, conn: ConnState, cut: { stream: ServerChannel; child: ChildProcessWithoutNullStreams; answer: Promise<void> }): void {
    if (conn.dropping) return;
    conn.dropping = true;
    cut.stream.unpipe(cut.child.stdin);
    cut.stream.pause();
    const others = [...conn.fed].filter((a) => a !== cut.answer);
    const go = () => {
      const sock = (client as unknown as { _sock?: Socket })._sock;
      if (sock) sock.destroy();
      else client.end();
      // Flowing again, the channel can end and close: its command is then killed.
      cut.stream.resume();
    };
    if (others.length === 0) return go();
    // Time for the client to read the answers (generous: a loaded test machine) before the socket goes.
    void Promise.all(others).then(() => setTimeout(go, 500));
  }
}

/** One client connection: exec stdin bytes over all its channels, and the answers of the commands that took input, still to come. */
interface ConnState {
  bytes: number;
  fed: Set<Promise<void>>;
  dropping: boolean;
}

export function startFakeSshd(opts: FakeSshdOptions): Promise<FakeSshd> {
  return new FakeSshd(opts).start();
}
