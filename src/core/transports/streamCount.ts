import { RANGED_MIN_BYTES } from '../byteRanges';
import { fail, ok, type Result } from '../result';

/**
 * How many TCP streams one file's ranged upload uses: a number (1: the single-stream PUT, no
 * ranges), or 'auto': start with one and add more while the total rate keeps growing. Why: on a
 * lossy long link one CUBIC stream is held far below the link's rate (Mathis bound), and streams
 * lose packets independently, so N of them move up to N times more.
 */
export type StreamsSetting = number | 'auto';

export const DEFAULT_STREAMS: StreamsSetting = 'auto';
/**
 * 'auto' starts with one stream and multiplies them by this while that pays, up to the cap. One
 * first: where one stream fills the link (a calm long link), more only lose to each other's queue
 * drops (measured on 40 ms / 200 Mbit/s without loss: N parallel curl -T moved 126-170 Mbit/s,
 * one 180). A lossy long link wants 16 (17x one stream measured): x4 gets there in two windows.
 */
const AUTO_GROWTH = 4;
const AUTO_MAX_STREAMS = 16;
/** The most a person may ask for: more would only queue on the agent's disk. */
export const MAX_STREAMS = 32;
/** More streams are kept only when they raised the total rate by more than this fraction... */
const MIN_GAIN = 0.1;
/**
 * ...and the first step, from one stream, by more than this: it tells whether one stream fills the
 * link. Where it does, more streams only take the rest of the bottleneck's queue (10-15 % more in
 * a window on a calm 40 ms link, measured) and then cost more than that: the loss they cause cuts
 * every stream's window, which CUBIC takes ~10 s at 40 ms to grow back. A loss-bound stream is
 * joined by streams that each add about as much (4 streams: 3-4x).
 */
const MIN_FIRST_GAIN = 0.5;
/**
 * One stream that keeps this much in flight (its rate times the round trip) is not loss-bound: the
 * push's first step is skipped. By the Mathis bound a stream's window is ~1.22/sqrt(p) segments,
 * so 512 KiB (~360 segments) means loss under ~1e-5, where the link's capacity holds the stream
 * and more streams only share its queue. Measured in the lab at 40 ms: ~950 KB in flight on the
 * calm 200 Mbit/s link, ~25 KB at 0.5 % loss. The step cost the calm link 0.2-0.6 s of a 12 s
 * push (new connections' slow starts, retiring streams' ranges). Later tries measure a step.
 */
const FILLING_WINDOW_BYTES = 512 << 10;
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
 * The first window's early look at one stream (FILLING_WINDOW_BYTES): this far into the window
 * (after SETTLE_MS), a stream that fills a calm link shows ~35x the bytes in flight of a loss-bound
 * one. Deciding early lets the lone stream's next range be a joined one (http/rangeSender.ts): each
 * range boundary left the link idle for a reply's round trip (~45 ms at 40 ms). Not before the
 * settling: a loss-bound stream's slow start, before its first losses cut it, showed 103 Mbit/s
 * (536 KiB in flight) over its first 0.4 s in one lab run of three (0.5 % loss, CUBIC); that push
 * stayed at one stream until its later try and took 42 s where 16 streams take 19.
 */
const FIRST_LOOK_MS = 400;
/**
 * The look is checked over the full window after it: a stream that keeps less than this share of
 * FILLING_WINDOW_BYTES in flight then did not fill the link. Measured in the lab at 40 ms: ~920 KB
 * at the check on the calm 200 Mbit/s link (8 runs, 913-975 KB), ~25 KB at 0.5 % loss.
 */
const RECHECK_FILLING = 0.25;
/**
 * Back at one stream, 'auto' tries again this long after, then after twice as long each time. A
 * window is short and a lossy stream's rate noisy: one bad window would otherwise keep a loss-bound
 * transfer at one stream to its end (seen once in a bench run: 117 s for 96 MiB where 16 streams
 * took 18 s), while a retry on a link one stream fills costs one window's dip, ever rarer.
 */
const RETRY_ONE_STREAM_MS = 20_000;

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

/** A moment of a push and the bytes it had moved by then. */
interface Mark {
  t: number;
  bytes: number;
}

/** Bytes per second from `mark` to (`now`, `bytes`). */
const rateSince = (mark: Mark, now: number, bytes: number): number => (now > mark.t ? (bytes - mark.bytes) / ((now - mark.t) / 1000) : 0);

/**
 * Decides how many streams to run, from the bytes moved so far. A fixed setting never changes;
 * 'auto' starts at one, measures the total rate in a window after each change and multiplies the
 * streams (AUTO_GROWTH) while the last step paid (> 50 % more from one stream, > 10 % after), up
 * to the cap; once one does not, it goes back to the count before it and stays (senders retire the
 * extra streams as their ranges end), or, back at one stream, tries again later. Given the node's
 * round trip, a first stream that keeps FILLING_WINDOW_BYTES in flight stays alone until then, once
 * the window after confirmed it.
 */
export class StreamScaler {
  private count: number;
  private settled = false;
  private changedAt: number;
  /** When every stream of the current count was sending, since the last change. */
  private allSendingAt: number | undefined;
  private window: Mark | undefined;
  private lastRate: number | undefined;
  /** The count before the last step: where a step that did not pay goes back to. */
  private lastCount: number | undefined;
  /** Settled at one stream: when to try more again, and the wait after that. */
  private retryAt: number | undefined;
  private retryAfterMs = RETRY_ONE_STREAM_MS;
  /** The node's round trip, for the first window's look at one stream's window (cleared after it). */
  private rttMs: number | undefined;
  /**
   * Settled at one stream because it kept FILLING_WINDOW_BYTES in flight: the full window after it
   * checks that, from this mark at this round trip (RECHECK_FILLING).
   */
  private recheck: { mark: Mark; rttMs: number } | undefined;
  private readonly clock: () => number;

  constructor(setting: StreamsSetting, at: { rttMs?: number; clock?: () => number } = {}) {
    this.count = setting === 'auto' ? 1 : setting;
    this.settled = setting !== 'auto';
    this.clock = at.clock ?? Date.now;
    this.rttMs = at.rttMs;
    this.changedAt = this.clock();
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
    const now = this.clock();
    if (this.recheck) this.recheckFilling(this.recheck, now, bytes);
    if (this.settled && this.retryAt !== undefined && now >= this.retryAt) this.restart(now);
    if (this.settled) return;
    if (this.allSendingAt === undefined) {
      if (sending < this.count && now - this.changedAt < MAX_START_WAIT_MS) return;
      this.allSendingAt = now;
    }
    if (!this.window) {
      if (now - this.allSendingAt >= SETTLE_MS) this.window = { t: now, bytes };
      return;
    }
    const [spanMs, rate] = [now - this.window.t, rateSince(this.window, now, bytes)];
    if (spanMs >= WINDOW_MS || (spanMs >= FIRST_LOOK_MS && this.oneStreamFills(rate))) this.decide(rate, { t: now, bytes });
  }

  private decide(rate: number, at: Mark): void {
    const now = at.t;
    const gain = this.lastCount === 1 ? MIN_FIRST_GAIN : MIN_GAIN;
    const fills = this.oneStreamFills(rate);
    const paid = this.lastRate === undefined ? !fills : rate > this.lastRate * (1 + gain);
    if (fills && this.rttMs !== undefined) this.recheck = { mark: at, rttMs: this.rttMs };
    const step = this.stepFrom(rate);
    this.rttMs = undefined; // the look is the first window's only: a later try measures a step
    if (!paid || this.count >= AUTO_MAX_STREAMS) {
      // Streams that add no rate only add loss and a longer tail: back to the count that did as well.
      if (!paid && this.lastCount !== undefined) this.count = this.lastCount;
      this.settled = true;
      if (this.count === 1) [this.retryAt, this.retryAfterMs] = [now + this.retryAfterMs, this.retryAfterMs * 2];
      return;
    }
    this.lastRate = rate;
    this.lastCount = this.count;
    this.count = Math.min(AUTO_MAX_STREAMS, step);
    this.changedAt = now;
    this.allSendingAt = undefined;
    this.window = undefined;
  }

  /**
   * The count to try next: AUTO_GROWTH times more, or from a first stream of known round trip, as
   * many such streams as keep FILLING_WINDOW_BYTES in flight together (at least AUTO_GROWTH). A
   * stream at 0.5 % loss keeps ~25 KB in flight: the first step goes to 16 at once, which x4 reached
   * a window later (~3 s in the lab), when fewer ranges were left for the new streams to take.
   */
  private stepFrom(rate: number): number {
    // The round trip is known only until the first window's decision: from one stream, first step.
    const inFlight = this.rttMs === undefined ? 0 : (rate * this.rttMs) / 1000;
    return inFlight > 0 ? Math.max(AUTO_GROWTH, Math.floor(FILLING_WINDOW_BYTES / inFlight)) : this.count * AUTO_GROWTH;
  }

  /** The first window, at one stream: it keeps FILLING_WINDOW_BYTES in flight (bytes/s x round trip). */
  private oneStreamFills(rate: number): boolean {
    const { rttMs } = this;
    return this.lastRate === undefined && this.count === 1 && rttMs !== undefined && (rate * rttMs) / 1000 >= FILLING_WINDOW_BYTES;
  }

  /**
   * A full window after one stream was seen to fill the link: one that keeps less than
   * RECHECK_FILLING of FILLING_WINDOW_BYTES in flight now was loss-bound after all (its slow start,
   * before its first losses, looked like a filling stream): measured afresh at once, not after
   * RETRY_ONE_STREAM_MS.
   */
  private recheckFilling({ mark, rttMs }: { mark: Mark; rttMs: number }, now: number, bytes: number): void {
    if (now - mark.t < WINDOW_MS) return;
    this.recheck = undefined;
    const inFlight = (rateSince(mark, now, bytes) * rttMs) / 1000;
    if (this.settled && this.count === 1 && inFlight < FILLING_WINDOW_BYTES * RECHECK_FILLING) this.restart(now);
  }

  /** From one stream, measured afresh, as at the start (a step this time: no look at the window). */
  private restart(now: number): void {
    this.settled = false;
    this.retryAt = this.lastRate = this.lastCount = this.allSendingAt = this.window = undefined;
    this.changedAt = now;
  }
}
