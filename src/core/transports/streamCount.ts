import { RANGED_MIN_BYTES } from '../byteRanges';
import { fail, ok, type Result } from '../result';

/**
 * How many TCP streams one file's ranged upload uses: a number (1: the single-stream PUT, no
 * ranges), or 'auto': start with a few and add one while the total rate keeps growing. Why: on a
 * lossy long link one CUBIC stream is held far below the link's rate (Mathis bound), and streams
 * lose packets independently, so N of them move up to N times more.
 */
export type StreamsSetting = number | 'auto';

export const DEFAULT_STREAMS: StreamsSetting = 'auto';
/**
 * 'auto' starts with this many streams and doubles them while that pays, up to the cap. Measured
 * in the lab (40 ms, 0.5 % loss, CUBIC): starting at 2 and adding one at a time settled at 3 on a
 * noisy window and reached 4.7x one stream on 24 MiB; a lossy long link wants 16 (17x measured),
 * and a file is often done before one-at-a-time gets there.
 */
const AUTO_FIRST_STREAMS = 4;
const AUTO_MAX_STREAMS = 16;
/** The most a person may ask for: more would only queue on the agent's disk. */
export const MAX_STREAMS = 32;
/** More streams are kept only when they raised the total rate by more than this fraction. */
const MIN_GAIN_PER_STREAM = 0.1;
/**
 * After a change, the window waits until every stream sends (an SSH stream logs in and starts a
 * shell first: about a second), and then until their connections ramp up (slow start)...
 */
const SETTLE_MS = 500;
/** ...but no longer than this for streams that never start (a node refusing more logins). */
const MAX_START_WAIT_MS = 5000;
/** ...over this long a window. */
const WINDOW_MS = 1500;

/**
 * 'auto' sends ranges only to a node at least this many milliseconds away (TCP connect time, one
 * round trip). Why: the Mathis bound (MSS/RTT x 1.22/sqrt(loss)) holds one stream to ~20 Mbit/s
 * at 10 ms and 0.5 % loss, and to ~200 Mbit/s at 1 ms (a LAN, a data center), where one stream
 * is enough and each range's own request (an exec on the SSH rungs) only costs: on loopback, 48
 * MiB over base64 took 1.5-1.8 s in one stream and 2.9-3.6 s as ranges over 2-4 connections.
 * Not lower: the measure holds this process's event-loop delay, which reached 5 ms on loopback
 * on this 2-core machine at load 6. RingRift's far nodes are 40-150 ms away.
 */
const AUTO_RANGES_MIN_RTT_MS = 10;

/**
 * Whether a file goes as ranges over several streams: never below RANGED_MIN_BYTES or with
 * `streams` 1; always with a number above 1; with 'auto', when the node's round trip is long
 * enough for one stream to be loss-bound, or unknown (a long lossy link in one stream is the
 * costlier mistake).
 */
export function rangesWanted(size: number, streams: StreamsSetting, rttMs: number | undefined): boolean {
  if (size < RANGED_MIN_BYTES || streams === 1) return false;
  if (streams !== 'auto') return true;
  return rttMs === undefined || rttMs >= AUTO_RANGES_MIN_RTT_MS;
}

/** `--streams`: a whole number from 1 to MAX_STREAMS, or `auto`. */
export function parseStreams(text: string): Result<StreamsSetting, 'bad_streams'> {
  const t = text.trim().toLowerCase();
  if (t === 'auto') return ok('auto');
  const n = Number(t);
  if (/^\d+$/.test(t) && n >= 1 && n <= MAX_STREAMS) return ok(n);
  return fail('bad_streams', `streams takes a whole number from 1 to ${MAX_STREAMS}, or 'auto'; got '${text}'`);
}

/**
 * Decides how many streams to run, from the bytes moved so far. A fixed setting never changes;
 * 'auto' measures the total rate in a window after each change and doubles the streams while the
 * last doubling paid (> 10 % more), up to the cap; once one does not, it goes back to the count
 * before it and stays (senders retire the extra streams as their ranges end).
 */
export class StreamScaler {
  private count: number;
  private settled = false;
  private changedAt: number;
  /** When every stream of the current count was sending, since the last change. */
  private allSendingAt: number | undefined;
  private window: { t: number; bytes: number } | undefined;
  private lastRate: number | undefined;
  /** The count before the last doubling: where a doubling that did not pay goes back to. */
  private lastCount: number | undefined;

  constructor(
    setting: StreamsSetting,
    private readonly clock: () => number = Date.now,
  ) {
    this.count = setting === 'auto' ? AUTO_FIRST_STREAMS : setting;
    this.settled = setting !== 'auto';
    this.changedAt = clock();
  }

  get streams(): number {
    return this.count;
  }

  /** The most streams this setting can reach. */
  get maxStreams(): number {
    return this.settled ? this.count : AUTO_MAX_STREAMS;
  }

  /** Bytes moved in total so far, and how many streams are sending now; may change `streams`. */
  observe(bytes: number, sending: number = this.count): void {
    if (this.settled) return;
    const now = this.clock();
    if (!this.window) {
      if (this.allSendingAt === undefined && (sending >= this.count || now - this.changedAt >= MAX_START_WAIT_MS)) this.allSendingAt = now;
      if (this.allSendingAt !== undefined && now - this.allSendingAt >= SETTLE_MS) this.window = { t: now, bytes };
      return;
    }
    if (now - this.window.t < WINDOW_MS) return;
    const rate = (bytes - this.window.bytes) / ((now - this.window.t) / 1000);
    this.decide(rate, now);
  }

  private decide(rate: number, now: number): void {
    const paid = this.lastRate === undefined || rate > this.lastRate * (1 + MIN_GAIN_PER_STREAM);
    if (!paid || this.count >= AUTO_MAX_STREAMS) {
      // Streams that add no rate only add loss and a longer tail: back to the count that did as well.
      if (!paid && this.lastCount !== undefined) this.count = this.lastCount;
      this.settled = true;
      return;
    }
    this.lastRate = rate;
    this.lastCount = this.count;
    this.count = Math.min(AUTO_MAX_STREAMS, this.count * 2);
    this.changedAt = now;
    this.allSendingAt = undefined;
    this.window = undefined;
  }
}
