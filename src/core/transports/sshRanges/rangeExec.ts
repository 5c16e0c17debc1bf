import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { ByteRange } from '../../byteRanges';
import type { Result } from '../../result';
import { execWritable, type ExecResult, type SshSession } from '../../ssh/session';
import type { SshErrorCode } from '../../ssh/sshErrors';
import type { TransportOptions } from '../transport';
import type { SendFailure } from '../fileSpans';
import type { ShaTool } from '../base64/remoteFileOps';
import type { RangeWriter } from './rangeDialect';
import { rangeSha256 } from './rangePlan';
import { parseRangeOutput, rangeCommand, rangeLine, type RangeDecoder, type RangedFilePaths, type RangeOutcome } from './rangedScripts';
import type { RangesFail } from './sshRanged';

/** How long a refused write waits for the remote command's exit status before giving up on it. */
const WRITE_FAILURE_GRACE_MS = 1000;
/** What dd says when the node's disk is full (GNU, BusyBox, BSD) or a quota ran out. */
const DISK_FULL = /No space left|Disk quota exceeded/i;

/** What one range's command needs of its push. */
export interface RangeExecDeps {
  opts: TransportOptions;
  paths: RangedFilePaths;
  /** `rsync ranges to T` (the rung, the target), for messages; `where` prefixes the node. */
  label: string;
  where: string;
  file: FileHandle;
  localPath: string;
  tools: { decoder: RangeDecoder | undefined; tool: ShaTool };
  /** sha256 of each cell of the plan's grid, from cellHashesInWorker. */
  cells: string[];
  rangeBytes: number;
  signal: AbortSignal;
}

/**
 * One range command on a stream's connection, opened before its range is chosen: the node's shell
 * starts (a login's rc files: 50-600 ms) and waits on stdin while the stream still writes the range
 * before. At its turn it gets its range (rangeLine, then the bytes as the dialect writes them); the
 * node's answer comes while the stream already writes the next range.
 */
export class RangeExec {
  /** Its own cancel: the push's, a local read failure, the idle bound, or closed unused. */
  private readonly cancel = new AbortController();
  private readonly onAbort = () => this.cancel.abort();
  private readonly stdin: Promise<Writable | undefined>;
  private readonly result: Promise<Result<ExecResult, SshErrorCode>>;
  private ended = false;
  private out = '';
  private idleTimer: NodeJS.Timeout | undefined;
  private idle = false;
  private sendError: SendFailure | undefined;

  constructor(ssh: SshSession, private readonly d: RangeExecDeps) {
    d.signal.addEventListener('abort', this.onAbort, { once: true });
    const onStdout = (b: Buffer) => (this.out += b.toString('utf8'));
    ({ stdin: this.stdin, result: this.result } = execWritable(ssh, rangeCommand(d.paths, d.tools), { onStdout, signal: this.cancel.signal }));
    void this.result.then(() => (this.ended = true));
  }

  /**
   * Its turn: the range's line and bytes, stdin ended. True when all went (the answer is to come);
   * false when the command ended first or the channel refused: its verdict says why.
   */
  async send(range: ByteRange, writer: RangeWriter, onBytes: (n: number) => void): Promise<boolean> {
    const { d } = this;
    // From its turn on: waiting for the range before it to be written is no stall.
    this.idleTimer = setTimeout(() => ((this.idle = true), this.cancel.abort()), d.opts.idleTimeoutMs);
    const stdin = await this.stdin;
    if (!stdin) return false;
    stdin.write(rangeLine(range, rangeSha256(d.cells, range, d.rangeBytes)));
    const span = { file: d.file, start: range.start, end: range.end, onBytes: (n: number) => (this.idleTimer?.refresh(), onBytes(n)) };
    this.sendError = await writer(span, stdin, this.result);
    if (this.sendError?.side === 'read') this.cancel.abort();
    // A channel that refuses data has usually seen its command exit: that exit says more.
    else if (this.sendError) setTimeout(() => this.cancel.abort(), WRITE_FAILURE_GRACE_MS).unref();
    return !this.sendError && !this.ended;
  }

  /** The node's answer for the range it was sent: undefined once the node verified and recorded it. */
  async verdict(range: ByteRange): Promise<RangesFail | undefined> {
    try {
      return this.judgeExit(await this.result, range);
    } finally {
      this.release();
    }
  }

  /** Closes it unused (its stream stops): stdin ends before a range line, so the node writes nothing. */
  close(): void {
    this.cancel.abort();
    this.release();
  }

  private release(): void {
    clearTimeout(this.idleTimer);
    this.d.signal.removeEventListener('abort', this.onAbort);
  }

  private judgeExit(r: Result<ExecResult, SshErrorCode>, range: ByteRange): RangesFail | undefined {
    const { d, sendError } = this;
    const what = `bytes ${range.start}-${range.end}`;
    if (sendError?.side === 'read') return this.fail('local_unreadable', `reading ${d.localPath} (${what}) failed: ${sendError.text}; completed ranges stay on the node`);
    if (this.idle) return this.fail('idle_timeout', `no progress for ${d.opts.idleTimeoutMs} ms on ${what}; completed ranges stay on the node for the next push`);
    if (d.signal.aborted) return this.fail('cancelled', 'cancelled; completed ranges stay on the node for the next push');
    if (sendError && !(r.ok && r.value.code !== 0)) return this.fail('disconnected', `writing ${what} to the node failed: ${sendError.text}; completed ranges stay on the node`);
    if (!r.ok) return { ok: false, code: r.code, message: `${r.message} (${d.label}, ${what}); completed ranges stay on the node for the next push` };
    if (r.value.code !== 0) return this.fail('remote_error', `the command for ${what} failed on the node (exit ${r.value.code}): ${r.value.stderr || 'no message'}`);
    return this.judge(parseRangeOutput(this.out), range, r.value.stderr);
  }

  private judge(outcome: RangeOutcome, range: ByteRange, stderr: string): RangesFail | undefined {
    const what = `bytes ${range.start}-${range.end}`;
    switch (outcome.kind) {
      case 'ok':
        return undefined;
      case 'mismatch':
        return this.fail('checksum_mismatch', `${what} hash to ${outcome.remoteSha || '(nothing)'} on the node, not ${rangeSha256(this.d.cells, range, this.d.rangeBytes)}; not recorded, the next push sends them again`);
      case 'write_error':
        return DISK_FULL.test(outcome.text)
          ? this.fail('disk_full', `the node ran out of space writing ${what} into ${this.d.paths.partial}: ${outcome.text}; free space there (completed ranges stay)`)
          : this.fail('remote_error', `writing ${what} into ${this.d.paths.partial} failed: ${outcome.text}`);
      default:
        return this.fail('remote_error', `the command for ${what} answered neither range-ok nor a mismatch: ${outcome.text || stderr || 'no output'}`);
    }
  }

  private fail(code: RangesFail['code'], detail: string): RangesFail {
    return { ok: false, code, message: `${this.d.where}: ${detail}` };
  }
}
