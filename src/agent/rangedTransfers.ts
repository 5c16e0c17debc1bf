import * as fsp from 'node:fs/promises';
import type { Socket } from 'node:net';
import { coveredBytes, gapsIn, mergeRanges, overlaps, type ByteRange } from '../core/byteRanges';
import { fsyncPath } from './fileWrite';
import { fileSize, type TargetPaths } from './paths';
import { PrefixHash, type HashAhead } from './prefixHash';
import { LET_GO_MS, stayedQuiet } from './quietConnections';
import { readSidecar, writeSidecar, type RangedState, type TransferIdentity } from './rangeSidecar';

/** The upload-registry name of a ranged transfer: its ranges share the target, nothing else does. */
export const rangedTransferName = (id: TransferIdentity): string => `ranged:${id.totalSize}:${id.sha256}`;

/** Why a range cannot be taken now. */
export type RangeClash = 'already_done' | 'in_flight';

/**
 * One ranged transfer while requests for it are open: its completed ranges (the sidecar's, kept
 * current here), the ranges being received, and whether its partial exists yet. Sidecar writes
 * go one at a time, in order, so concurrent completions never lose one another.
 */
/** How long HEAD waits for ranges in flight to end (a cut one ends within ms of its connection). */
const SETTLE_MS = 2000;
/** Prefix hashes kept for targets with no request open. */
const MAX_PREFIXES = 64;

export class LiveTransfer {
  private readonly receiving: Array<{ range: ByteRange; socket: Socket }> = [];
  /** Woken whenever a range ends (see until). */
  private endWaiters: Array<() => void> = [];
  private writes: Promise<void> = Promise.resolve();
  /** True until this transfer's partial and sidecar are created (stale ones replaced). */
  private fresh: boolean;
  committing = false;

  constructor(
    private readonly p: TargetPaths,
    readonly state: RangedState,
    hasPartial: boolean,
    /** The partial's hashed prefix, kept by RangedTransfers from one request of the transfer to the next. */
    readonly prefix: PrefixHash,
  ) {
    this.fresh = !hasPartial;
    if (this.fresh) prefix.reset();
  }

  get doneBytes(): number {
    return coveredBytes(this.state.done);
  }

  missing(): ByteRange[] {
    return gapsIn(this.state.done, this.state.totalSize);
  }

  clash(range: ByteRange): RangeClash | undefined {
    if (this.state.done.some((r) => overlaps(r, range))) return 'already_done';
    return this.receiving.some((r) => overlaps(r.range, range)) ? 'in_flight' : undefined;
  }

  begin(range: ByteRange, socket: Socket): void {
    this.receiving.push({ range, socket });
  }

  end(range: ByteRange): void {
    const i = this.receiving.findIndex((r) => r.range === range);
    if (i >= 0) this.receiving.splice(i, 1);
    for (const wake of this.endWaiters.splice(0)) wake();
  }

  /**
   * Cuts the ranges in flight that overlap `range` (all of them without one) when their
   * connections stay quiet (quietConnections.ts), and resolves once they ended, having kept what
   * they received, or after LET_GO_MS.
   */
  async cutQuiet(range?: ByteRange): Promise<void> {
    const held = this.receiving.filter((r) => !range || overlaps(r.range, range));
    if (held.length === 0 || !(await stayedQuiet(held.map((r) => r.socket)))) return;
    const gone = this.until(() => held.every((r) => !this.receiving.includes(r)), LET_GO_MS);
    for (const r of held) r.socket.destroy();
    await gone;
  }

  /**
   * Resolves when no range is in flight (each one ended has recorded what it kept), or after `ms`.
   * A client that just saw its connections cut asks HEAD at once: the cut ranges' kept bytes must
   * be in the answer, or the client counts the try as no progress and gives up on the rung.
   */
  settled(ms: number): Promise<void> {
    // A range on a connection cut without this end hearing of it would never end by itself.
    void this.cutQuiet();
    return this.until(() => this.receiving.length === 0, ms);
  }

  /** Resolves when `done()` holds, checked as ranges end, or after `ms`. */
  private until(done: () => boolean, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let waiting = true;
      const finish = () => {
        waiting = false;
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(finish, ms);
      const check = () => {
        if (waiting) done() ? finish() : this.endWaiters.push(check);
      };
      check();
    });
  }

  /** Creates the partial (sparse, at full size) and an empty sidecar, replacing stale ones; once. */
  prepare(): Promise<void> {
    return this.serially(async () => {
      if (!this.fresh) return;
      await fsp.unlink(this.p.rangesSidecar).catch(() => undefined);
      await fsp.mkdir(this.p.dir, { recursive: true });
      const fh = await fsp.open(this.p.rangedPartial, 'w');
      try {
        await fh.truncate(this.state.totalSize);
      } finally {
        await fh.close();
      }
      await writeSidecar(this.p.rangesSidecar, { ...this.state, done: [] });
      this.fresh = false;
    });
  }

  /**
   * Records a range that is written, fsynced and verified: from now on a retry skips it. `ahead`:
   * the prefix hash's copy that took the range's bytes as they came (PrefixHash.ahead).
   */
  complete(range: ByteRange, ahead?: HashAhead): Promise<void> {
    return this.serially(async () => {
      await fsyncPath(this.p.rangedPartial);
      this.state.done = mergeRanges([...this.state.done, range]);
      await writeSidecar(this.p.rangesSidecar, this.state);
      this.prefix.landed(range, ahead);
      const first = this.state.done[0];
      if (first?.start === 0) this.prefix.advanceTo(first.end);
    });
  }

  /** Removes the partial and sidecar (committed or proven wrong): the transfer starts over. */
  drop(): Promise<void> {
    return this.serially(async () => {
      await fsp.unlink(this.p.rangesSidecar).catch(() => undefined);
      await fsp.unlink(this.p.rangedPartial).catch(() => undefined);
      this.state.done = [];
      this.fresh = true;
      this.prefix.reset();
    });
  }

  private serially(step: () => Promise<void>): Promise<void> {
    const next = this.writes.then(step);
    this.writes = next.catch(() => undefined);
    return next;
  }
}

/**
 * The live ranged transfers, by target: loaded from the sidecar by the first request of a transfer
 * (callers hold the target's upload claim, so all requests of one target are of one transfer) and
 * forgotten when the last one ends; the sidecar stays the durable record.
 */
export class RangedTransfers {
  private readonly live = new Map<string, Promise<LiveTransfer>>();
  /** Each target's prefix hash, by transfer: a stream's ranges come one request at a time, each a new attach. */
  private readonly prefixes = new Map<string, { name: string; prefix: PrefixHash }>();

  attach(p: TargetPaths, id: TransferIdentity): Promise<LiveTransfer> {
    let t = this.live.get(p.target);
    if (!t) {
      t = load(p, id, this.prefixFor(p, id));
      this.live.set(p.target, t);
    }
    return t;
  }

  private prefixFor(p: TargetPaths, id: TransferIdentity): PrefixHash {
    const name = rangedTransferName(id);
    const kept = this.prefixes.get(p.target);
    if (kept?.name === name) return kept.prefix;
    const prefix = new PrefixHash(p.rangedPartial);
    this.prefixes.delete(p.target);
    this.prefixes.set(p.target, { name, prefix });
    // Transfers given up on leave theirs: keep the newest few.
    if (this.prefixes.size > MAX_PREFIXES) this.prefixes.delete(this.prefixes.keys().next().value as string);
    return prefix;
  }

  /** The last request of `target` ended. */
  detach(target: string): void {
    this.live.delete(target);
  }

  /**
   * What HEAD reports: the live state when requests are open (once ranges in flight have ended,
   * up to SETTLE_MS), else the sidecar's (when its partial is there).
   */
  async snapshot(p: TargetPaths): Promise<RangedState | undefined> {
    const t = this.live.get(p.target);
    if (!t) return keptState(p);
    const live = await t;
    await live.settled(SETTLE_MS);
    return live.state;
  }
}

/** The sidecar's state when it parses and its partial has the transfer's size; else undefined. */
async function keptState(p: TargetPaths): Promise<RangedState | undefined> {
  const side = await readSidecar(p.rangesSidecar);
  if (!side.ok) return undefined;
  return (await fileSize(p.rangedPartial)) === side.value.totalSize ? side.value : undefined;
}

async function load(p: TargetPaths, id: TransferIdentity, prefix: PrefixHash): Promise<LiveTransfer> {
  const kept = await keptState(p);
  const same = kept !== undefined && kept.totalSize === id.totalSize && kept.sha256 === id.sha256;
  // Ranges of another file (or a broken record) are worth nothing here: start afresh.
  return new LiveTransfer(p, same ? kept : { ...id, done: [] }, same, prefix);
}
