import * as http from 'node:http';
import type { ByteRange } from '../../byteRanges';
import { endpointLabel, type AgentEndpoint } from './agentRequest';
import { sendBuffers } from './agentUpload';
import { parseBody, refusalOf } from './agentReplies';
import type { AgentPushFailure } from './agentPush';
import { uploadRange } from './rangeUpload';
import type { StreamScaler } from '../streamCount';
import { RangeProgress, type PushMeter } from '../rangeProgress';

/** What every range of one file shares. */
export interface RangedFile {
  file: string;
  rel: string;
  urlPath: string;
  size: number;
  sha256: string;
}

export interface RangeSenderDeps {
  ep: AgentEndpoint;
  f: RangedFile;
  timing: { connectTimeoutMs: number; idleTimeoutMs: number };
  meter: PushMeter;
  scaler: StreamScaler;
  signal: AbortSignal;
}

/** What one stream keeps from range to range. */
interface StreamKit {
  buffers: Buffer[];
  /** Its keep-alive connection. */
  socketPool: http.Agent;
  /** Its connection was opened after the scaler settled at one stream. */
  fresh: boolean;
}

const newPool = () => new http.Agent({ keepAlive: true, maxSockets: 1 });

export interface SendFailure {
  code: AgentPushFailure;
  message: string;
}

/** Read buffer bytes all streams share at most, two buffers a stream: memory stays flat whatever the count. */
const BUFFER_BUDGET_BYTES = 16 << 20;
const BUFFERS_PER_STREAM = 2;
/** Below this a read costs more in syscalls than it saves. */
const MIN_BUFFER_BYTES = 256 << 10;
/** Tries of one range the agent says is busy (often our own cancelled request, still closing). */
const BUSY_TRIES = 3;
const BUSY_RETRY_MS = 300;
/**
 * A lone stream's joined ranges, at most: what it moves in MERGED_MS at its own rate over the last
 * range it sent alone, so one reply's round trip (the link idle meanwhile) costs well under 1 %:
 * 256 MiB at 190 Mbit/s goes as its first range, a joined one, then the rest. Before that rate is
 * known, FIRST_JOINED_RANGES of the queue's ranges. Not the scaler's window rate: a loss-bound
 * stream in slow start can look like one that fills the link (the scaler then settles at one
 * stream), and a join sized at that rate (the rest of the file; 64 MiB at least before 2026-12-06)
 * held the push at ~5 Mbit/s to its end, the scaler's later try finding no range left for more
 * streams: 96 MiB took 139 s in one bench run where 16 streams take 15 s.
 */
const MERGED_MS = 10_000;
const FIRST_JOINED_RANGES = 4;

/** How many bytes a lone stream's next joined range may span; `rate`: bytes/s of its last range sent alone. */
export function joinedRangeBound(rangeBytes: number, rate: number | undefined): number {
  const first = FIRST_JOINED_RANGES * rangeBytes;
  return rate === undefined ? first : Math.max(first, (rate * MERGED_MS) / 1000);
}

/** The bytes of the queue's first ranges that follow on from `end` without a gap. */
function runFrom(queue: readonly ByteRange[], end: number): number {
  let at = end;
  for (const r of queue) {
    if (r.start !== at) break;
    at = r.end;
  }
  return at - end;
}

/**
 * Sends a list of ranges over as many concurrent connections as the scaler says, each stream
 * taking the next range when its last one landed. The first failure stops new ranges (those in
 * flight finish: they may still land); cancelling stops everything at once.
 */
export class RangeSender {
  private readonly running = new Set<Promise<void>>();
  private failure: SendFailure | undefined;
  /** What this run moved; `landedBytes`: ranges the agent confirmed (durable and verified there). */
  readonly progress: RangeProgress;
  peakStreams = 0;
  /**
   * The connection of the stream that ended last, when all went well: the commit goes on it (a new
   * one costs a round trip to connect). Whoever commits closes it (`closeKept`).
   */
  kept: http.Agent | undefined;
  /** The connection the push's HEAD came on, until the first stream takes it (`connection`). */
  private headPool: http.Agent | undefined;
  /** Bytes/s of the last range that landed with no other stream sending meanwhile (joinedRangeBound). */
  private loneRate: number | undefined;
  /** Ranges being sent now, and ranges started so far: whether a range went alone. */
  private sending = 0;
  private sendsStarted = 0;

  constructor(
    private readonly d: RangeSenderDeps,
    private readonly queue: ByteRange[],
    doneBefore: number,
  ) {
    this.progress = new RangeProgress(d.meter, d.scaler, doneBefore);
    this.headPool = d.ep.pool;
  }

  async run(): Promise<SendFailure | undefined> {
    this.grow();
    while (this.running.size > 0) {
      await Promise.race(this.running);
      this.grow();
    }
    return this.failure;
  }

  /** Starts streams up to the scaler's count while ranges wait. */
  private grow(): void {
    while (!this.failure && !this.d.signal.aborted && this.running.size < this.d.scaler.streams && this.queue.length > 0) {
      const each = Math.max(MIN_BUFFER_BYTES, Math.floor(BUFFER_BUDGET_BYTES / BUFFERS_PER_STREAM / this.d.scaler.maxStreams));
      const stream: Promise<void> = this.stream(sendBuffers(BUFFERS_PER_STREAM, each)).finally(() => this.running.delete(stream));
      this.running.add(stream);
      this.peakStreams = Math.max(this.peakStreams, this.running.size);
    }
  }

  private async stream(buffers: Buffer[]): Promise<void> {
    const kit: StreamKit = { buffers, socketPool: this.connection(), fresh: false };
    try {
      for (let range = this.nextRange(); range && !this.failure; range = this.nextRange()) {
        this.renewAfterProbe(kit);
        const failed = await this.sendTimed(range, kit);
        if (failed) this.failure ??= failed;
      }
    } finally {
      // The last stream to end (its own promise still runs) keeps its connection for the commit.
      if (this.running.size === 1 && !this.failure && !this.d.signal.aborted) this.kept = kit.socketPool;
      else kit.socketPool.destroy();
    }
  }

  /**
   * A new stream's keep-alive connection: the first takes the one the push's HEAD came on (the
   * probe round's, when the push follows its probe), which saves it a connect's round trip.
   */
  private connection(): http.Agent {
    const pool = this.headPool ?? newPool();
    this.headPool = undefined;
    return pool;
  }

  closeKept(): void {
    this.kept?.destroy();
    this.kept = undefined;
  }

  /**
   * Once the scaler went back to one stream after more were tried, the stream left goes on over a
   * new connection: its old one's congestion window was cut by the streams it shared the link
   * with, and CUBIC takes ~10 s at 40 ms to grow it back (measured: 80 Mbit/s on a 200 Mbit/s
   * link), where slow start fills the link in a few round trips.
   */
  private renewAfterProbe(kit: StreamKit): void {
    if (kit.fresh || this.d.scaler.maxStreams > 1 || this.peakStreams <= 1) return;
    kit.fresh = true;
    kit.socketPool.destroy();
    kit.socketPool = newPool();
  }

  /**
   * The next range for a stream; none when the scaler went back to fewer streams than run (this
   * one retires). Once the scaler settled at one stream, ranges go joined (joinedRangeBound): each
   * range's reply costs a round trip that no other stream's bytes fill (the agent keeps what
   * reached its disk of a cut range, so resume stays as fine); the bound leaves ranges for more
   * streams when the scaler tries again (20 s on).
   */
  private nextRange(): ByteRange | undefined {
    const { scaler } = this.d;
    if (this.running.size > scaler.streams) return undefined;
    const next = this.queue.shift();
    if (!next || scaler.maxStreams > 1) return next;
    const range = { ...next };
    const most = joinedRangeBound(next.end - next.start, this.loneRate);
    const follows = () => this.queue[0]?.start === range.end;
    while (follows() && this.queue[0].end - range.start <= most) range.end = (this.queue.shift() as ByteRange).end;
    // A run left after it that is short beside it joins too: its own request would cost a round trip for little.
    if (runFrom(this.queue, range.end) <= most / 4) while (follows()) range.end = (this.queue.shift() as ByteRange).end;
    return range;
  }

  /** sendWithRetries, noting the rate of a range that landed with no other stream sending meanwhile. */
  private async sendTimed(range: ByteRange, kit: StreamKit): Promise<SendFailure | undefined> {
    const [alone, seq, t0] = [this.sending++ === 0, ++this.sendsStarted, performance.now()];
    const failed = await this.sendWithRetries(range, kit);
    this.sending--;
    if (!failed && alone && seq === this.sendsStarted) this.loneRate = (range.end - range.start) / (Math.max(1, performance.now() - t0) / 1000);
    return failed;
  }

  private async sendWithRetries(range: ByteRange, kit: StreamKit): Promise<SendFailure | undefined> {
    for (let attempt = 1; ; attempt++) {
      const r = await this.sendOne(range, kit);
      if (r !== 'busy') return r;
      if (attempt >= BUSY_TRIES || this.d.signal.aborted) return { code: 'busy', message: `${this.where()}: ${this.d.f.rel} bytes ${range.start}-${range.end} stayed busy on the node after ${BUSY_TRIES} tries` };
      await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
    }
  }

  /** One range: undefined when it landed, 'busy' to try again, else why it failed. */
  private async sendOne(range: ByteRange, kit: StreamKit): Promise<SendFailure | 'busy' | undefined> {
    const { ep, f, timing, signal } = this.d;
    this.progress.begin(range);
    const plan = { file: f.file, urlPath: f.urlPath, totalSize: f.size, sha256: f.sha256, range, ...timing, buffers: kit.buffers, socketPool: kit.socketPool };
    const r = await uploadRange(ep, plan, (n) => (this.progress.sent(range, n), this.grow()), signal);
    const landed = r.ok && r.value.status === 202;
    this.progress.end(range, landed);
    const what = `${f.rel} bytes ${range.start}-${range.end}`;
    if (!r.ok) return { code: r.code, message: `${r.message} while sending ${what} to ${ep.node}` };
    if (landed) return undefined;
    const code = parseBody(r.value).code;
    if (r.value.status === 409 && (code === 'busy' || code === 'range_conflict')) return 'busy';
    const refusal = refusalOf(r.value, ep, what);
    return refusal ?? { code: 'http_error', message: `${this.where()} answered HTTP ${r.value.status} to ${what}` };
  }

  private where(): string {
    return `${this.d.ep.kind}: ${this.d.ep.node} (${endpointLabel(this.d.ep)})`;
  }
}
