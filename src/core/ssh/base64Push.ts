import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import { PassThrough } from 'node:stream';
import type { PushProgress, TransportOptions } from '../transports/transport';
import { describeError } from '../result';
import { Base64Encoder, alignChunkBytes } from './base64Encoder';
import * as ops from './remoteFileOps';
import type { SshSession } from './session';

/** Progress is reported at most this often, and a heartbeat repeats it: at least once a second. */
const PROGRESS_EVERY_MS = 250;
/** Bound on the small bookkeeping commands (prepare, remove a partial) once connected. */
const COMMAND_TIMEOUT_MS = 60_000;

export type PushFail = { ok: false; code: string; message: string };
export type AttemptResult = { ok: true; bytesSent: number; sha256: string } | PushFail;

/** A gated remote command, opened ahead of time: it does nothing until `stdin` gets its first line. */
interface OpenedExec {
  stdin: PassThrough;
  cancel: AbortController;
  result: ReturnType<SshSession['exec']>;
}

/**
 * One file pushed as base64 over an open SSH session (the base64 transport's work):
 *   1. prepare (one exec): mkdir, partial size, tools, free space. The first chunk's exec opens at
 *      the same time, gated (remoteFileOps), so its login shell starts while prepare runs;
 *   2. chunks of `base64 -d >> PARTIAL` from the partial's size on, each next exec opened while the
 *      current one streams, fed only after it exited (`>>` appends at the end whenever it writes);
 *      the local sha256 is taken from the bytes as they go;
 *   3. finish (opened while the last chunk streams): the node's sha256 of the partial must equal
 *      ours, then `mv -f` onto the target; a mismatch drops the partial.
 */
export class Base64PushRun {
  resumedFrom = 0;
  private lastProgress = 0;
  private lastDone = 0;
  private readonly opened: OpenedExec[] = [];

  constructor(
    private readonly where: string,
    private readonly localPath: string,
    private readonly size: number,
    private readonly paths: ops.RemoteFilePaths,
    private readonly ssh: SshSession,
    private readonly opts: TransportOptions,
    private readonly progress: PushProgress,
    private readonly signal: AbortSignal,
  ) {}

  /** One try; a heartbeat repeats the last figure while the node works (prepare, sha256, rename). */
  async attempt(): Promise<AttemptResult> {
    const heartbeat = setInterval(() => this.report(this.lastDone, false), PROGRESS_EVERY_MS);
    try {
      return await this.attemptOnce();
    } finally {
      clearInterval(heartbeat);
      // Gated execs never fed (a refusal, a failure) end with exit 3 and write nothing.
      for (const e of this.opened.splice(0)) e.cancel.abort();
    }
  }

  private fail(code: string, detail: string): PushFail {
    return { ok: false, code, message: `${this.where}: ${detail}` };
  }

  private sshFail(r: { code: string; message: string }): PushFail {
    const resume = r.code === 'aborted' || r.code === 'disconnected' ? '; the partial on the node stays for the next push to resume' : '';
    return { ok: false, code: r.code, message: `${r.message} (base64 push to ${this.paths.target})${resume}` };
  }

  private open(command: string): OpenedExec {
    const stdin = new PassThrough({ highWaterMark: 1 << 20 });
    const cancel = new AbortController();
    const result = this.ssh.exec(command, { stdin, signal: AbortSignal.any([this.signal, cancel.signal]) });
    const e = { stdin, cancel, result };
    this.opened.push(e);
    return e;
  }

  private async attemptOnce(): Promise<AttemptResult> {
    const firstChunk = this.size > 0 ? this.open(ops.appendChunkCommand(this.paths)) : undefined;
    const prep = await this.ssh.exec(ops.prepareCommand(this.paths), { signal: this.signal, timeoutMs: COMMAND_TIMEOUT_MS });
    if (!prep.ok) return this.sshFail(prep);
    const report = ops.parsePrepareOutput(prep.value.stdout);
    if (report.mkdirError) return this.fail('remote_error', `cannot create the directory ${this.paths.dir}: ${report.mkdirError}`);
    if (report.targetIsDir) return this.fail('target_is_dir', `${this.paths.target} is a directory on the node; give a file name`);
    if (!report.base64Present) return this.fail('remote_tool_missing', `the node has no 'base64' command (install coreutils); nothing was written`);
    if (!report.decodeFlag) return this.fail('remote_tool_missing', `the node's 'base64' decodes neither with -d nor -D; nothing was written`);
    if (!report.shaTool) return this.fail('remote_tool_missing', `the node has neither 'sha256sum' nor 'shasum' to verify the file; nothing was written`);
    let resume = report.partialSize ?? 0;
    if (resume > this.size) {
      // Longer than the file: not a prefix of it. Start over.
      const rm = await this.ssh.exec(ops.removePartialCommand(this.paths), { signal: this.signal, timeoutMs: COMMAND_TIMEOUT_MS });
      if (!rm.ok) return this.sshFail(rm);
      resume = 0;
    }
    const remaining = this.size - resume;
    if (report.freeBytes !== undefined && report.freeBytes < remaining) {
      return this.fail('disk_full', `needs ${remaining} bytes but ${this.paths.dir} has ${report.freeBytes} free; free space on the node (nothing was written, the old file is intact)`);
    }
    this.resumedFrom = resume;
    const hash = createHash('sha256');
    const prefix = await hashRange(this.localPath, resume, hash); // the part already on the node
    if (prefix) return this.fail('local_unreadable', prefix);
    const openFinish = () => this.open(ops.finishCommand(this.paths, report.shaTool!));
    const sent = remaining > 0 ? await this.sendChunks(firstChunk!, resume, report.decodeFlag, hash, openFinish) : { ok: true as const, finish: openFinish() };
    if (!sent.ok) return sent;
    const sha256 = hash.digest('hex');
    sent.finish.stdin.end(`${sha256}\n`);
    const fin = await sent.finish.result;
    if (!fin.ok) return this.sshFail(fin);
    const outcome = ops.parseFinishOutput(fin.value.stdout);
    switch (outcome.kind) {
      case 'ok':
        this.report(this.size, true);
        return { ok: true, bytesSent: remaining, sha256 };
      case 'mismatch':
        return this.fail('checksum_mismatch', `sha256 on the node is ${outcome.remoteSha || '(none)'}, ours is ${sha256}; the partial was dropped and the old file is intact; push again`);
      case 'target_is_dir':
        return this.fail('target_is_dir', `${this.paths.target} became a directory on the node; give a file name`);
      default:
        return this.fail('remote_error', `verifying the file failed (exit ${fin.value.code}): ${fin.value.stderr || outcome.text || 'no output'}`);
    }
  }

  /**
   * Sends [from, size) in chunk-sized execs, the first one already open. Opens the next exec (or,
   * for the last chunk, the finish via `openFinish`) while the current one streams.
   */
  private async sendChunks(
    first: OpenedExec,
    from: number,
    flag: ops.Base64DecodeFlag,
    hash: Hash,
    openFinish: () => OpenedExec,
  ): Promise<{ ok: true; finish: OpenedExec } | PushFail> {
    const chunk = alignChunkBytes(this.opts.base64ChunkBytes);
    let done = from;
    this.report(done, true);
    let idleTimer: NodeJS.Timeout | undefined;
    const onBytes = (n: number) => {
      done += n;
      this.report(done, false);
      idleTimer?.refresh();
    };
    let current = first;
    for (let offset = from; ; offset += chunk) {
      const end = Math.min(this.size, offset + chunk);
      const next = end < this.size ? this.open(ops.appendChunkCommand(this.paths)) : openFinish();
      let idle = false;
      idleTimer = setTimeout(() => ((idle = true), this.ssh.close()), this.opts.idleTimeoutMs);
      const encoder = new Base64Encoder(hash, onBytes);
      const source = fs.createReadStream(this.localPath, { start: offset, end: end - 1, highWaterMark: 1 << 20 });
      source.on('error', (err) => encoder.destroy(err));
      current.stdin.write(`${flag}\n`); // the gate: from here on the node appends
      source.pipe(encoder).pipe(current.stdin);
      const r = await current.result;
      clearTimeout(idleTimer);
      source.destroy();
      if (idle) return this.fail('idle_timeout', `no progress for ${this.opts.idleTimeoutMs} ms at byte ${done} of ${this.size}; the partial stays for the next push to resume`);
      if (!r.ok) return this.sshFail(r);
      if (r.value.code !== 0) {
        return this.fail('remote_error', `'base64 ${flag}' on the node failed (exit ${r.value.code}): ${r.value.stderr || 'no message'}; the partial stays for the next push`);
      }
      this.report(end, true);
      if (end === this.size) return { ok: true, finish: next };
      current = next;
    }
  }

  private report(done: number, force: boolean): void {
    this.lastDone = done;
    const now = Date.now();
    if (!force && now - this.lastProgress < PROGRESS_EVERY_MS) return;
    this.lastProgress = now;
    this.progress(done, this.size);
  }
}

/** Feeds [0, end) of the local file to the hash. Returns an error text, or undefined. */
async function hashRange(file: string, end: number, hash: Hash): Promise<string | undefined> {
  if (end === 0) return undefined;
  try {
    for await (const b of fs.createReadStream(file, { start: 0, end: end - 1, highWaterMark: 1 << 20 })) hash.update(b as Buffer);
    return undefined;
  } catch (err) {
    return `cannot read ${file}: ${describeError(err)}`;
  }
}
