import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import { fail, ok, type Result } from '../result';
import { pacedWritable, SocketQueue } from './socketPacing';
import type { SshErrorCode } from './sshErrors';

export interface ExecOptions {
  /** Bytes for the command's stdin; piped with backpressure, ended when it ends. */
  stdin?: Readable;
  /**
   * Instead of `stdin`: handed the command's stdin once it started, to write (its callbacks are
   * the backpressure: a buffer may be reused once its write called back) and end.
   */
  onStdin?: (stdin: Writable) => void;
  signal: AbortSignal;
  /** Whole-command bound; the channel is closed when it runs out (code `timeout`). */
  timeoutMs?: number;
  /** Receives stdout as it arrives; stdout is then not kept in the result. */
  onStdout?: (chunk: Buffer) => void;
}

export interface ExecResult {
  /** Exit status; -1 when the command was killed by a signal (stderr then names it). */
  code: number;
  stdout: string;
  stderr: string;
}

export interface SshSession {
  /** `node X: ssh user@host:port` for messages. */
  readonly label: string;
  exec(command: string, opts: ExecOptions): Promise<Result<ExecResult, SshErrorCode>>;
  /** Closes the connection (and any ProxyJump hops) now. Safe to call twice. */
  close(): void;
  /** True once the connection is gone. */
  readonly closed: boolean;
  /** The node's round trip as the login measured it (TCP connect, and jump channels), in ms. */
  readonly rttMs: number;
}

/** A command whose stdin its caller writes (ExecOptions.onStdin), with that stdin as a promise. */
export interface WritableExec {
  /** The command's stdin once it started; undefined when the command ended (or could not start) first. */
  stdin: Promise<Writable | undefined>;
  result: Promise<Result<ExecResult, SshErrorCode>>;
}

/** `ssh.exec` whose stdin is handed over as a promise, raced with the command's end. */
export function execWritable(ssh: SshSession, command: string, opts: Omit<ExecOptions, 'stdin' | 'onStdin'>): WritableExec {
  let started: (w: Writable) => void = () => undefined;
  const ready = new Promise<Writable>((resolve) => (started = resolve));
  const result = ssh.exec(command, { ...opts, onStdin: (w) => started(w) });
  return { result, stdin: Promise.race([ready, result.then(() => undefined)]) };
}

/** Output kept per stream: enough for messages and small command results, never a whole file. */
const KEEP_BYTES = 1 << 20;

/** An authenticated ssh2 client, the ProxyJump clients to close with it, and the TCP socket under them all. */
export interface SshWires {
  client: Client;
  tcp: Socket;
  hops: Client[];
}

/** A session over one authenticated ssh2 client. */
export class Ssh2Session implements SshSession {
  private isClosed = false;
  private readonly client: Client;
  private readonly hops: Client[];
  private readonly unsent: SocketQueue;

  constructor(
    readonly label: string,
    wires: SshWires,
    readonly rttMs = 0,
  ) {
    ({ client: this.client, hops: this.hops } = wires);
    this.unsent = new SocketQueue(wires.tcp);
    this.client.on('close', () => this.close());
  }

  get closed(): boolean {
    return this.isClosed;
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    // destroy, not end: a stalled peer must not keep us waiting (abort within a second).
    for (const c of [this.client, ...this.hops.reverse()]) {
      try {
        c.destroy();
      } catch {
        /* already gone */
      }
    }
  }

  exec(command: string, opts: ExecOptions): Promise<Result<ExecResult, SshErrorCode>> {
    if (opts.signal.aborted) return Promise.resolve(fail('cancelled', `${this.label}: cancelled`));
    if (this.isClosed) return Promise.resolve(fail('disconnected', `${this.label}: connection already closed`));
    return new Promise((resolve) => {
      let settled = false;
      let channel: ClientChannel | undefined;
      let timer: NodeJS.Timeout | undefined;
      const finish = (r: Result<ExecResult, SshErrorCode>) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        opts.signal.removeEventListener('abort', onAbort);
        opts.stdin?.unpipe();
        resolve(r);
      };
      const onAbort = () => {
        channel?.close();
        finish(fail('cancelled', `${this.label}: cancelled`));
      };
      opts.signal.addEventListener('abort', onAbort, { once: true });
      if (opts.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          channel?.close();
          finish(fail('timeout', `${this.label}: remote command gave no result within ${opts.timeoutMs} ms`));
        }, opts.timeoutMs);
      }
      try {
        this.client.exec(command, (err, stream) => {
          if (err) return finish(fail('disconnected', `${this.label}: cannot start a remote command: ${err.message}`));
          if (settled) return stream.close();
          channel = stream;
          this.collect(stream, opts, finish);
        });
      } catch (err) {
        finish(fail('disconnected', `${this.label}: cannot start a remote command: ${(err as Error).message}`));
      }
    });
  }

  private collect(stream: ClientChannel, opts: ExecOptions, finish: (r: Result<ExecResult, SshErrorCode>) => void): void {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let code: number | null = null;
    let signalName: string | undefined;
    // stdout is always drained, or ssh2 never emits 'close' (NOTES.md).
    stream.on('data', (b: Buffer) => {
      if (opts.onStdout) return opts.onStdout(b);
      if (outBytes < KEEP_BYTES) out.push(b);
      outBytes += b.length;
    });
    stream.stderr.on('data', (b: Buffer) => {
      if (errBytes < KEEP_BYTES) err.push(b);
      errBytes += b.length;
    });
    stream.on('exit', (c: number | null, sig?: string) => {
      code = c;
      signalName = sig ?? undefined;
    });
    stream.on('error', () => undefined);
    stream.on('close', () => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8').trim();
      if (code === null && signalName === undefined) {
        // No exit status: the connection dropped under the command.
        return finish(fail('disconnected', `${this.label}: connection lost while a remote command ran${stderr ? ` (${stderr})` : ''}`));
      }
      finish(ok({ code: code ?? -1, stdout, stderr: signalName ? `${stderr} (killed by ${signalName})`.trim() : stderr }));
    });
    if (opts.stdin) {
      opts.stdin.on('error', (e) => {
        stream.close();
        finish(fail('ssh_error', `${this.label}: reading the data to send failed: ${e.message}`));
      });
      opts.stdin.pipe(pacedWritable(stream, this.unsent));
    } else if (opts.onStdin) {
      opts.onStdin(pacedWritable(stream, this.unsent));
    } else {
      stream.end();
    }
  }
}
