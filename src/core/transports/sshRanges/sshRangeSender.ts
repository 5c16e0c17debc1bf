import type { ByteRange } from '../../byteRanges';
import type { NodeSpec } from '../../hosts/nodeSpec';
import { openSsh, type SshOverrides } from '../../ssh/connect';
import type { SshSession } from '../../ssh/session';
import type { StreamScaler } from '../streamCount';
import { RangeProgress, type PushMeter } from '../rangeProgress';
import type { RangeDialect, RangeWriter } from './rangeDialect';
import { RangeExec, type RangeExecDeps } from './rangeExec';
import type { RangesFail } from './sshRanged';

/** What every stream of one ranged push shares. */
interface RangeSenderDeps extends RangeExecDeps {
  node: NodeSpec;
  sshOverrides: SshOverrides;
  dialect: RangeDialect;
  scaler: StreamScaler;
  meter: PushMeter;
  /** The node verified and recorded a range. */
  landed: (range: ByteRange) => void;
  /** How a stream beyond the first logs in; openSsh to `node` unless given. */
  connect?: (signal: AbortSignal) => ReturnType<typeof openSsh>;
}

/**
 * New logins a push runs at once, at most: sshd's default MaxStartups (10:30:100) drops 30 % or
 * more of the unauthenticated connections beyond 10, and a stream that cannot log in stops the push
 * from opening more. A first step to 16 streams logs in 15 (about 0.3 s each at 40 ms); the others
 * follow as these finish. Two left for the operator's own ssh sessions.
 */
const MAX_LOGINS_AT_ONCE = 8;

/**
 * Sends ranges over as many SSH connections as the scaler says (one TCP stream each: channels of
 * one connection share its congestion window and gain nothing on a lossy link), each stream taking
 * the next range as soon as it wrote the last one (sendRanges). The first stream runs on the
 * connection the push already opened; the others open their own. The first failure stops new
 * ranges (those in flight finish: they may still land); cancelling stops everything at once. A
 * stream that cannot connect (sshd's MaxStartups, say) just ends: the others carry its share, and
 * no more are opened.
 */
export class SshRangeSender {
  private readonly running = new Set<Promise<void>>();
  private failure: RangesFail | undefined;
  private firstTaken = false;
  private connectFailed = false;
  /** Streams still logging in: each will take a range, so no more are started than ranges wait. */
  private connecting = 0;
  private connected = 0;
  /** Connected streams that take ranges, oldest first: the oldest retire when there are too many. */
  private readonly taking: number[] = [];
  private nextId = 0;
  /** A new connection was opened for the one stream left after more were tried (renewWanted). */
  private renewed = false;
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
    while (!this.failure && !this.d.signal.aborted && this.running.size < cap() && this.queue.length > this.connecting && this.connecting < MAX_LOGINS_AT_ONCE) {
      const given = this.firstTaken ? undefined : this.first;
      this.firstTaken = true;
      this.start(given);
    }
    if (this.renewWanted()) {
      this.renewed = true;
      this.start(undefined);
    }
  }

  private start(given: SshSession | undefined): void {
    const stream: Promise<void> = this.stream(given).finally(() => this.running.delete(stream));
    this.running.add(stream);
  }

  /**
   * Settled at one stream after more were tried: one more connection, once. Its stream takes the
   * ranges from there and the old one retires (the oldest does): the old connection's congestion
   * window was cut by the streams it shared the link with, and CUBIC takes ~10 s at 40 ms to grow
   * it back, where a new connection's slow start fills the link in a few round trips. The old one
   * sends on while the new one logs in.
   */
  private renewWanted(): boolean {
    const { scaler, signal } = this.d;
    return !this.renewed && scaler.maxStreams === 1 && this.peakStreams > 1 && this.queue.length > 0 && !this.failure && !this.connectFailed && !signal.aborted;
  }

  private async stream(given: SshSession | undefined): Promise<void> {
    let ssh = given;
    if (!ssh) {
      this.connecting++;
      const { connect, node, opts, signal, sshOverrides } = this.d;
      const r = await (connect ? connect(signal) : openSsh(node, opts, signal, sshOverrides));
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
    const id = this.nextId++;
    this.taking.push(id);
    try {
      await this.sendRanges(ssh, writer, id);
    } finally {
      this.connected--;
      if (!given) ssh.close();
    }
  }

  /**
   * One stream's ranges, pipelined: while a range's bytes go, the stream's next range command opens
   * (RangeExec: the node's shell starts and waits), so the next range's bytes follow the moment this
   * one's stdin ends, and the node verifies a range while the next one arrives. The next command
   * opens as the range's bytes start: its start costs several round trips and a shell, which a short
   * range (4 MiB: 0.17 s at 200 Mbit/s) does not cover once the answer before it came. Three
   * commands at most per connection (sshd's MaxSessions is 10): the one answering, the one writing,
   * the next. A range is taken from the queue only at its turn, so none waits behind a stream that stalls.
   */
  private async sendRanges(ssh: SshSession, writer: RangeWriter, id: number): Promise<void> {
    let exec = this.spare(ssh);
    let answered: Promise<void> = Promise.resolve();
    for (;;) {
      const range = exec && this.nextRange(id);
      if (!exec || !range) break;
      const sent = this.send(exec, range, writer);
      const next = this.spare(ssh);
      await answered;
      const clean = await sent;
      answered = this.settle(exec, range);
      exec = next;
      if (!clean) break;
    }
    exec?.close();
    // It takes no more ranges: the others no longer count it while its last answer comes.
    this.taking.splice(this.taking.indexOf(id), 1);
    await answered;
  }

  /** A range command opened ahead of its range, while ranges wait and nothing stopped the push. */
  private spare(ssh: SshSession): RangeExec | undefined {
    return this.queue.length > 0 && !this.failure && !this.d.signal.aborted ? new RangeExec(ssh, this.d) : undefined;
  }

  /** The range for stream `id`'s turn; undefined: it stops (a failure, a cancel, no range left, or it retires). */
  private nextRange(id: number): ByteRange | undefined {
    if (this.failure || this.d.signal.aborted) return undefined;
    // More streams take ranges than the scaler wants (it went back, or a renewal connected): the oldest retire.
    if (this.taking.indexOf(id) < this.taking.length - this.d.scaler.streams) return undefined;
    return this.queue.shift();
  }

  private send(exec: RangeExec, range: ByteRange, writer: RangeWriter): Promise<boolean> {
    this.progress.begin(range);
    return exec.send(range, writer, (n) => (this.progress.sent(range, n), this.grow()));
  }

  /** A written range's answer; the first failure stops new ranges. */
  private async settle(exec: RangeExec, range: ByteRange): Promise<void> {
    this.progress.allSent(range);
    const failed = await exec.verdict(range);
    this.progress.end(range, !failed);
    if (failed) this.failure ??= failed;
    else this.d.landed(range);
  }

  private fail(code: RangesFail['code'], detail: string): RangesFail {
    return { ok: false, code, message: `${this.d.where}: ${detail}` };
  }
}
