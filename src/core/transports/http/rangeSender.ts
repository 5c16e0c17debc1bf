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

  constructor(
    private readonly d: RangeSenderDeps,
    private readonly queue: ByteRange[],
    doneBefore: number,
  ) {
    this.progress = new RangeProgress(d.meter, d.scaler, doneBefore);
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
    const socketPool = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let range = this.nextRange(); range && !this.failure; range = this.nextRange()) {
        const failed = await this.sendWithRetries(range, buffers, socketPool);
        if (failed) this.failure ??= failed;
      }
    } finally {
      socketPool.destroy();
    }
  }

  /** The next range for a stream; none when the scaler went back to fewer streams than run (this one retires). */
  private nextRange(): ByteRange | undefined {
    return this.running.size > this.d.scaler.streams ? undefined : this.queue.shift();
  }

  private async sendWithRetries(range: ByteRange, buffers: Buffer[], socketPool: http.Agent): Promise<SendFailure | undefined> {
    for (let attempt = 1; ; attempt++) {
      const r = await this.sendOne(range, buffers, socketPool);
      if (r !== 'busy') return r;
      if (attempt >= BUSY_TRIES || this.d.signal.aborted) return { code: 'busy', message: `${this.where()}: ${this.d.f.rel} bytes ${range.start}-${range.end} stayed busy on the node after ${BUSY_TRIES} tries` };
      await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
    }
  }

  /** One range: undefined when it landed, 'busy' to try again, else why it failed. */
  private async sendOne(range: ByteRange, buffers: Buffer[], socketPool: http.Agent): Promise<SendFailure | 'busy' | undefined> {
    const { ep, f, timing, signal } = this.d;
    this.progress.begin(range);
    const plan = { file: f.file, urlPath: f.urlPath, totalSize: f.size, sha256: f.sha256, range, ...timing, buffers, socketPool };
    const r = await uploadRange(ep, plan, (n) => (this.progress.sent(range, n), this.grow()), signal);
    this.progress.end(range, r.ok && r.value.status === 202);
    const what = `${f.rel} bytes ${range.start}-${range.end}`;
    if (!r.ok) return { code: r.code, message: `${r.message} while sending ${what} to ${ep.node}` };
    if (r.value.status === 202) return undefined;
    const code = parseBody(r.value).code;
    if (r.value.status === 409 && (code === 'busy' || code === 'range_conflict')) return 'busy';
    const refusal = refusalOf(r.value, ep, what);
    return refusal ?? { code: 'http_error', message: `${this.where()} answered HTTP ${r.value.status} to ${what}` };
  }

  private where(): string {
    return `${this.d.ep.kind}: ${this.d.ep.node} (${endpointLabel(this.d.ep)})`;
  }
}
