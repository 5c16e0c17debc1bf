import * as fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { PushProgress, TransportOptions } from '../transport';
import { describeError, type Failure } from '../../result';
import { localSha256 } from '../cellHashCache';
import { alignChunkBytes, sendBase64Range } from './base64Stream';
import type { FileSpan, SendFailure } from '../fileSpans';
import * as ops from './remoteFileOps';
import { execWritable, type SshSession, type WritableExec } from '../../ssh/session';
import type { SshFailure } from '../../ssh/sshErrors';
import type { SshRangesFailure } from '../sshRanges/sshRanged';

/** Progress is reported at most this often, and a heartbeat repeats it: at least once a second. */
const PROGRESS_EVERY_MS = 250;
/** How long a refused write waits for the remote command's exit status before giving up on it. */
const WRITE_FAILURE_GRACE_MS = 1000;
/** Bound on the prepare step once connected. */
const COMMAND_TIMEOUT_MS = 60_000;

/** Why one base64 push attempt failed: the codes of a ranged SSH push (the SSH layer's, or what the node's commands or the local file reported). */
export type Base64PushFailure = SshRangesFailure;
export type PushFail = Failure<Base64PushFailure>;
/** What sendChunks leaves for the finish: its exec, opened, and what a `whole` exec measured. */
type ChunksSent = { ok: true; finish: OpenedExec; whole: ReturnType<typeof ops.parseWholeOutput> };
export type AttemptResult = { ok: true; bytesSent: number; sha256: string } | PushFail;

/** A gated remote command, opened ahead of time: it does nothing until its stdin gets a first line. */
interface OpenedExec extends WritableExec {
  cancel: AbortController;
  /** Its stdout so far (small: reports, never file data). */
  readonly out: string;
}

/**
 * One file pushed as base64 over an open SSH session (the base64 transport's work):
 *   1. one exec prepares (mkdir, partial size, tools, free space), reports, then waits for a gate
 *      line; a refusal never sends it, so nothing is written. With the gate it becomes the first
 *      chunk: `base64 -d >> PARTIAL` from the partial's size on;
 *   2. later chunks: each exec opened (gated) while the previous one streams, fed only after it
 *      exited (`>>` appends at the end whenever it writes); each streams its range through two
 *      reused buffers (base64Stream), while a worker thread hashes the whole local file;
 *   3. finish, opened while the last chunk streams: the node's sha256 of the partial must equal
 *      ours (sent as its first stdin line), then `mv -f` onto the target; a mismatch drops the partial.
 *      When one exec wrote the whole file (`whole`: fresh push, one chunk) the node hashed it as
 *      it wrote it (tee), so the finish compares that hash and the size instead of reading it again.
 */
export class Base64PushRun {
  /** Where the last try started sending: the prefix the node held then. Unset until a try got that far. */
  resumedFrom: number | undefined;
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

  private fail(code: Base64PushFailure, detail: string): PushFail {
    return { ok: false, code, message: `${this.where}: ${detail}` };
  }

  private sshFail(r: SshFailure): PushFail {
    const resume = r.code === 'cancelled' || r.code === 'disconnected' ? '; the partial on the node stays for the next push to resume' : '';
    return { ok: false, code: r.code, message: `${r.message} (base64 push to ${this.paths.target})${resume}` };
  }

  private open(command: string, onStdout?: (out: string) => void): OpenedExec {
    const cancel = new AbortController();
    const seen = { out: '' };
    const collect = (b: Buffer) => {
      seen.out += b.toString('utf8');
      onStdout?.(seen.out);
    };
    const { stdin, result } = execWritable(this.ssh, command, { onStdout: collect, signal: AbortSignal.any([this.signal, cancel.signal]) });
    const e: OpenedExec = { stdin, cancel, result, get out() { return seen.out; } };
    this.opened.push(e);
    return e;
  }

  /** Writes `line` to a gated exec and ends its stdin; false when the exec ended first. */
  private async endWith(e: OpenedExec, line: string): Promise<boolean> {
    const stdin = await e.stdin;
    stdin?.end(line);
    return !!stdin;
  }

  /** Opens the prepare-and-append exec; resolves with its report once it waits for the gate. */
  private async prepare(): Promise<{ ok: true; exec: OpenedExec; report: ops.PrepareReport } | PushFail> {
    let seen: () => void = () => undefined;
    const prepared = new Promise<void>((resolve) => (seen = resolve));
    const mark = new RegExp(`^${ops.PREPARED_MARK}$`, 'm');
    const exec = this.open(ops.prepareCommand(this.paths), (out) => mark.test(out) && seen());
    const text = () => exec.out;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), COMMAND_TIMEOUT_MS)));
    const first = await Promise.race([prepared.then(() => 'prepared' as const), exec.result, timeout]);
    clearTimeout(timer);
    if (first === 'prepared') return { ok: true, exec, report: ops.parsePrepareOutput(text()) };
    if (first === 'timeout') return this.fail('timeout', `the node did not answer the prepare step within ${COMMAND_TIMEOUT_MS} ms`);
    if (!first.ok) return this.sshFail(first);
    const report = ops.parsePrepareOutput(text());
    if (report.mkdirError) return this.fail('remote_error', `cannot create the directory ${this.paths.dir}: ${report.mkdirError}`);
    return this.fail('remote_error', `the prepare step ended early (exit ${first.value.code}): ${first.value.stderr || text().trim() || 'no output'}`);
  }

  private async attemptOnce(): Promise<AttemptResult> {
    const prep = await this.prepare();
    if (!prep.ok) return prep;
    const { report } = prep;
    if (report.targetIsDir) return this.fail('target_is_dir', `${this.paths.target} is a directory on the node; give a file name`);
    if (!report.base64Present) return this.fail('remote_tool_missing', `the node has no 'base64' command (install coreutils); nothing was written`);
    if (!report.decodeFlag) return this.fail('remote_tool_missing', `the node's 'base64' decodes neither with -d nor -D; nothing was written`);
    if (!report.shaTool) return this.fail('remote_tool_missing', `the node has no sha256 tool (openssl, sha256sum or shasum) to verify the file; nothing was written`);
    // A partial longer than the file is not a prefix of it: the gate tells the node to drop it.
    const restart = (report.partialSize ?? 0) > this.size;
    const resume = restart ? 0 : (report.partialSize ?? 0);
    const remaining = this.size - resume;
    if (report.freeBytes !== undefined && report.freeBytes < remaining) {
      return this.fail('disk_full', `needs ${remaining} bytes but ${this.paths.dir} has ${report.freeBytes} free; free space on the node (nothing was written, the old file is intact)`);
    }
    this.resumedFrom = resume;
    // The local sha256 on another core, read from the file itself (the page cache serves both
    // readers): the sending thread only reads, encodes and encrypts; a resumed prefix costs it
    // nothing. Shared with every other push of the file (cellHashCache.ts).
    const stopHash = new AbortController();
    const hashing = localSha256(this.localPath, AbortSignal.any([this.signal, stopHash.signal]));
    try {
      const sent = await this.sendChunks(prep.exec, resume, report.decodeFlag, report.shaTool, restart);
      if (!sent.ok) return sent;
      const sha = await hashing;
      if (!sha.ok && sha.code === 'cancelled') return this.fail('cancelled', 'cancelled; the partial on the node stays for the next push to resume');
      if (!sha.ok) return this.fail('local_unreadable', `${sha.message}; the partial stays for the next push`);
      return await this.finish(sent, sha.value, remaining);
    } finally {
      stopHash.abort();
    }
  }

  /** Hands the finish exec our sha256; the node renames the partial into place only if its own equals it. */
  private async finish(sent: ChunksSent, sha256: string, remaining: number): Promise<AttemptResult> {
    const whole = sent.whole;
    await this.endWith(sent.finish, ops.finishLine(sha256, whole && whole.sha256 === sha256 && whole.size === this.size ? whole.size : undefined));
    const fin = await sent.finish.result;
    if (!fin.ok) return this.sshFail(fin);
    const outcome = ops.parseFinishOutput(sent.finish.out);
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
   * Sends [from, size) in chunk-sized execs, the first one (prepare) already open and waiting for
   * its gate. Opens the next exec (after the last chunk: the finish) while the current one streams.
   * With nothing left to send, the first exec still gets its gate and an empty stream (it creates
   * the partial of an empty file, or drops an overlong one).
   */
  private async sendChunks(first: OpenedExec, from: number, flag: ops.Base64DecodeFlag, tool: ops.ShaTool, restart: boolean): Promise<ChunksSent | PushFail> {
    const chunk = alignChunkBytes(this.opts.base64ChunkBytes);
    this.report(from, true);
    let file: FileHandle;
    try {
      file = await fs.promises.open(this.localPath, 'r');
    } catch (err) {
      return this.fail('local_unreadable', `cannot read ${this.localPath}: ${describeError(err)}; the partial stays for the next push`);
    }
    try {
      let current = first;
      for (let offset = from; ; offset += chunk) {
        const end = Math.min(this.size, offset + chunk);
        const next = this.open(end < this.size ? ops.appendChunkCommand(this.paths) : ops.finishCommand(this.paths, tool));
        // One data exec for the whole file: it hashes on the node as it writes (no second read at the end).
        const mode = offset === 0 && end === this.size ? 'whole' : offset === from && restart ? 'restart' : 'append';
        const sent = await this.sendChunk(current, { file, start: offset, end }, ops.gateLine(flag, mode, tool));
        if (!sent.ok) return sent;
        this.report(end, true);
        if (end === this.size) return { ok: true, finish: next, whole: mode === 'whole' ? ops.parseWholeOutput(current.out) : undefined };
        current = next;
      }
    } finally {
      await file.close().catch(() => undefined);
    }
  }

  /** One chunk: the gate line, then [start, end) as base64, into one exec; ok once it exited 0. */
  private async sendChunk(exec: OpenedExec, range: Omit<FileSpan, 'onBytes'>, gate: string): Promise<{ ok: true } | PushFail> {
    let done = range.start;
    let idle = false;
    const idleTimer = setTimeout(() => ((idle = true), this.ssh.close()), this.opts.idleTimeoutMs);
    const onBytes = (n: number) => {
      done += n;
      this.report(done, false);
      idleTimer.refresh();
    };
    const stdin = await exec.stdin;
    let sendError: SendFailure | undefined;
    if (stdin) {
      stdin.write(gate); // from here on the node writes
      sendError = await sendBase64Range({ ...range, onBytes }, stdin, exec.result);
      if (sendError?.side === 'read') exec.cancel.abort();
      // A channel that refuses data has usually seen its command exit: that exit says more.
      else if (sendError) setTimeout(() => exec.cancel.abort(), WRITE_FAILURE_GRACE_MS).unref();
      else stdin.end('\n');
    }
    const r = await exec.result;
    clearTimeout(idleTimer);
    if (sendError?.side === 'read') return this.fail('local_unreadable', `reading ${this.localPath} failed at byte ${done}: ${sendError.text}; the partial stays for the next push`);
    if (idle) return this.fail('idle_timeout', `no progress for ${this.opts.idleTimeoutMs} ms at byte ${done} of ${this.size}; the partial stays for the next push to resume`);
    // A cancel closes the channel under a pending write: the write's error is the cancel's echo.
    if (!r.ok && r.code === 'cancelled') return this.sshFail(r);
    if (sendError && !(r.ok && r.value.code !== 0)) {
      return this.fail('disconnected', `writing to the node failed at byte ${done}: ${sendError.text}; the partial stays for the next push to resume`);
    }
    if (!r.ok) return this.sshFail(r);
    if (r.value.code !== 0) {
      return this.fail('remote_error', `'base64 ${gate.split(' ')[0]}' on the node failed (exit ${r.value.code}): ${r.value.stderr || 'no message'}; the partial stays for the next push`);
    }
    return { ok: true };
  }

  private report(done: number, force: boolean): void {
    this.lastDone = done;
    const now = Date.now();
    if (!force && now - this.lastProgress < PROGRESS_EVERY_MS) return;
    this.lastProgress = now;
    this.progress(done, this.size);
  }
}
