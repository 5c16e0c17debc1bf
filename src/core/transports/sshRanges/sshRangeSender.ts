import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { ByteRange } from '../../byteRanges';
import type { NodeSpec } from '../../hosts/nodeSpec';
import { openSsh, type SshOverrides } from '../../ssh/connect';
import type { SshSession } from '../../ssh/session';
import type { StreamScaler } from '../streamCount';
import { RangeProgress, type PushMeter } from '../rangeProgress';
import type { TransportOptions } from '../transport';
import type { SendFailure } from '../fileSpans';
import type { ShaTool } from '../base64/remoteFileOps';
import type { RangeDialect, RangeWriter } from './rangeDialect';
import { rangeSha256 } from './rangePlan';
import { parseRangeOutput, rangeCommand, type RangeDecoder, type RangedFilePaths, type RangeOutcome } from './rangedScripts';
import type { RangesFail } from './sshRanged';

/** How long a refused write waits for the remote command's exit status before giving up on it. */
const WRITE_FAILURE_GRACE_MS = 1000;
/** What dd says when the node's disk is full (GNU, BusyBox, BSD) or a quota ran out. */
const DISK_FULL = /No space left|Disk quota exceeded/i;

/** What every stream of one ranged push shares. */
interface RangeSenderDeps {
  node: NodeSpec;
  opts: TransportOptions;
  sshOverrides: SshOverrides;
  paths: RangedFilePaths;
  /** `rsync ranges to T` (the rung, the target), for messages; `where` prefixes the node. */
  label: string;
  where: string;
  file: FileHandle;
  localPath: string;
  dialect: RangeDialect;
  tools: { decoder: RangeDecoder | undefined; tool: ShaTool };
  /** sha256 of each cell of the plan's grid, from cellHashesInWorker. */
  cells: string[];
  rangeBytes: number;
  scaler: StreamScaler;
  meter: PushMeter;
  signal: AbortSignal;
}

/**
 * Sends ranges over as many SSH connections as the scaler says (one TCP stream each: channels of
 * one connection share its congestion window and gain nothing on a lossy link), each stream taking
 * the next range when its last one landed. The first stream runs on the connection the push
 * already opened; the others open their own. The first failure stops new ranges (those in flight
 * finish: they may still land); cancelling stops everything at once. A stream that cannot connect
 * (sshd's MaxStartups, say) just ends: the others carry its share, and no more are opened.
 */
export class SshRangeSender {
  private readonly running = new Set<Promise<void>>();
  private failure: RangesFail | undefined;
  private firstTaken = false;
  private connectFailed = false;
  /** Streams still logging in: each will take a range, so no more are started than ranges wait. */
  private connecting = 0;
  private connected = 0;
  /** What this run moved; `landedBytes`: ranges the node verified and recorded. */
  readonly progress: RangeProgress;
  /** The most connections that sent at once. */
  peakStreams = 0;

  constructor(
    private readonly d: RangeSenderDeps,
    private readonly queue: ByteRange[],
    doneBefore: number,
    private readonly first: SshSession,
  ) {
    this.progress = new RangeProgress(d.meter, d.scaler, doneBefore);
  }

  async run(): Promise<RangesFail | undefined> {
    this.grow();
    while (this.running.size > 0) {
      await Promise.race(this.running);
      this.grow();
    }
    if (this.failure) return this.failure;
    if (this.queue.length > 0) return this.fail('cancelled', 'cancelled; completed ranges stay on the node for the next push');
    return undefined;
  }

  /** Starts streams up to the scaler's count while ranges wait. */
  private grow(): void {
    const cap = () => (this.connectFailed ? this.running.size : this.d.scaler.streams);
    while (!this.failure && !this.d.signal.aborted && this.running.size < cap() && this.queue.length > this.connecting) {
      const given = this.firstTaken ? undefined : this.first;
      this.firstTaken = true;
      const stream: Promise<void> = this.stream(given).finally(() => this.running.delete(stream));
      this.running.add(stream);
    }
  }

  private async stream(given: SshSession | undefined): Promise<void> {
    let ssh = given;
    if (!ssh) {
      this.connecting++;
      const r = await openSsh(this.d.node, this.d.opts, this.d.signal, this.d.sshOverrides);
      this.connecting--;
      if (!r.ok) {
        this.connectFailed = true;
        return;
      }
      ssh = r.value;
    }
    // Its buffers: allocated once a stream is connected, reused range after range; sized for the most streams.
    const writer = this.d.dialect.streamWriter(this.d.scaler.maxStreams);
    this.peakStreams = Math.max(this.peakStreams, ++this.connected);
    try {
      while (!this.failure && !this.d.signal.aborted) {
        // The scaler went back to fewer streams than run: this one retires.
        const range = this.running.size > this.d.scaler.streams ? undefined : this.queue.shift();
        if (!range) return;
        const failed = await this.sendOne(ssh, range, writer);
        if (failed) this.failure ??= failed;
      }
    } finally {
      this.connected--;
      if (!given) ssh.close();
    }
  }

  /** One range in one exec: its bytes on stdin, as the dialect writes them; undefined once the node verified and recorded it. */
  private async sendOne(ssh: SshSession, range: ByteRange, writer: RangeWriter): Promise<RangesFail | undefined> {
    const { d } = this;
    const what = `bytes ${range.start}-${range.end}`;
    const command = rangeCommand(d.paths, { range, sha256: rangeSha256(d.cells, range, d.rangeBytes), ...d.tools });
    // This range's own cancel: the push's, a local read failure, or the idle bound.
    const cancel = new AbortController();
    const onAbort = () => cancel.abort();
    d.signal.addEventListener('abort', onAbort, { once: true });
    let idle = false;
    const idleTimer = setTimeout(() => ((idle = true), cancel.abort()), d.opts.idleTimeoutMs);
    let started: (w: Writable) => void = () => undefined;
    const stdinReady = new Promise<Writable>((resolve) => (started = resolve));
    let out = '';
    this.progress.begin(range);
    let landed = false;
    const result = ssh.exec(command, { onStdin: (w) => started(w), onStdout: (b) => (out += b.toString('utf8')), signal: cancel.signal });
    let sendError: SendFailure | undefined;
    try {
      const stdin = await Promise.race([stdinReady, result.then(() => undefined)]);
      if (stdin) {
        const onBytes = (n: number) => (idleTimer.refresh(), this.progress.sent(range, n), this.grow());
        sendError = await writer({ file: d.file, start: range.start, end: range.end, onBytes }, stdin, result);
        if (sendError?.side === 'read') cancel.abort();
        // A channel that refuses data has usually seen its command exit: that exit says more.
        else if (sendError) setTimeout(() => cancel.abort(), WRITE_FAILURE_GRACE_MS).unref();
      }
      const r = await result;
      if (sendError?.side === 'read') return this.fail('local_unreadable', `reading ${d.localPath} (${what}) failed: ${sendError.text}; completed ranges stay on the node`);
      if (idle) return this.fail('idle_timeout', `no progress for ${d.opts.idleTimeoutMs} ms on ${what}; completed ranges stay on the node for the next push`);
      if (d.signal.aborted) return this.fail('cancelled', 'cancelled; completed ranges stay on the node for the next push');
      if (sendError && !(r.ok && r.value.code !== 0)) return this.fail('disconnected', `writing ${what} to the node failed: ${sendError.text}; completed ranges stay on the node`);
      if (!r.ok) return { ok: false, code: r.code, message: `${r.message} (${d.label}, ${what}); completed ranges stay on the node for the next push` };
      if (r.value.code !== 0) return this.fail('remote_error', `the command for ${what} failed on the node (exit ${r.value.code}): ${r.value.stderr || 'no message'}`);
      const outcome = parseRangeOutput(out);
      landed = outcome.kind === 'ok';
      return this.judge(outcome, range, r.value.stderr);
    } finally {
      clearTimeout(idleTimer);
      d.signal.removeEventListener('abort', onAbort);
      this.progress.end(range, landed);
    }
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
