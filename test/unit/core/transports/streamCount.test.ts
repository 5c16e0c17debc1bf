import { strict as assert } from 'node:assert';
import { parseStreams, rangesWanted, StreamScaler } from '../../../../src/core/transports/streamCount';

/** Feeds the scaler a link whose total rate for n streams is `rateOf(n)` bytes/s, for `seconds`. */
function run(scaler: StreamScaler, clock: { now: number }, rateOf: (n: number) => number, seconds: number): void {
  let bytes = 0;
  for (let t = 0; t < seconds * 10; t++) {
    clock.now += 100;
    bytes += rateOf(scaler.streams) / 10;
    scaler.observe(bytes);
  }
}

describe('stream count', () => {
  it('parses --streams: 1..32 or auto', () => {
    assert.deepEqual(parseStreams('auto'), { ok: true, value: 'auto' });
    assert.deepEqual(parseStreams(' 4 '), { ok: true, value: 4 });
    for (const bad of ['0', '33', '2.5', '-1', 'many', '']) assert.equal(parseStreams(bad).ok, false, bad);
  });

  it('ranges: never for a small file or --streams 1; always for a number above 1; auto only on a long or unknown round trip', () => {
    const big = 64 << 20;
    assert.equal(rangesWanted((8 << 20) - 1, 4, 40), false);
    assert.equal(rangesWanted(big, 1, 40), false);
    assert.equal(rangesWanted(big, 2, 0.1), true);
    assert.equal(rangesWanted(big, 'auto', 9), false);
    assert.equal(rangesWanted(big, 'auto', 0.1), false); // loopback, a LAN: one stream is not loss-bound
    assert.equal(rangesWanted(big, 'auto', 40), true);
    assert.equal(rangesWanted(big, 'auto', undefined), true);
  });

  it('a fixed count never changes', () => {
    const clock = { now: 0 };
    const s = new StreamScaler(3, { clock: () => clock.now });
    run(s, clock, (n) => n * 1e6, 30);
    assert.equal(s.streams, 3);
  });

  it('auto starts at 1 and multiplies the streams by 4 while that adds > 10 %, up to the cap', () => {
    const clock = { now: 0 };
    const s = new StreamScaler('auto', { clock: () => clock.now });
    assert.equal(s.streams, 1);
    const seen = new Set<number>();
    let bytes = 0;
    for (let t = 0; t < 600; t++) {
      clock.now += 100;
      bytes += (s.streams * 5e5) / 10; // every stream adds its share (a lossy WAN)
      s.observe(bytes);
      seen.add(s.streams);
    }
    assert.deepEqual([...seen], [1, 4, 16]);
    assert.equal(s.maxStreams, 16);
  });

  it('auto stops once a step brings <= 10 % more (<= 50 % from one stream), and goes back to the count before it', () => {
    const clock = { now: 0 };
    const s = new StreamScaler('auto', { clock: () => clock.now });
    run(s, clock, (n) => Math.min(n, 4) * 1e6, 60); // the link is full at 4 streams: 16 did not pay
    assert.equal(s.streams, 4);
    const full = new StreamScaler('auto', { clock: () => clock.now });
    run(full, clock, (n) => Math.min(n, 1.3) * 1e6, 60); // 4 streams bring 30 %: the first step needs > 50 %
    assert.equal(full.streams, 1);
  });

  it('auto on a link one stream fills ends at 1 (between its later tries)', () => {
    const clock = { now: 0 };
    const s = new StreamScaler('auto', { clock: () => clock.now });
    run(s, clock, (n) => (n === 1 ? 1e8 : 0.9e8), 60); // more streams lose to each other's drops
    assert.equal(s.streams, 1);
    assert.equal(s.maxStreams, 1);
  });

  it('auto keeps one stream that fills the link alone (512 KiB in flight at the round trip given), until its later try', () => {
    const clock = { now: 0 };
    const calm = new StreamScaler('auto', { rttMs: 40, clock: () => clock.now });
    const counts: number[] = [];
    let bytes = 0;
    for (let t = 0; t < 300; t++) {
      clock.now += 100;
      bytes += 24e6 / 10; // ~190 Mbit/s at 40 ms: ~960 KB in flight
      calm.observe(bytes);
      if (counts[counts.length - 1] !== calm.streams) counts.push(calm.streams);
    }
    assert.deepEqual(counts, [1, 4, 1], 'no step in the first 20 s, then one measured try');
    const lossy = new StreamScaler('auto', { rttMs: 40, clock: () => clock.now });
    run(lossy, clock, (n) => n * 6e5, 10); // ~5 Mbit/s a stream at 0.5 % loss: ~24 KB in flight
    assert.equal(lossy.streams, 16);
    const unknown = new StreamScaler('auto', { clock: () => clock.now });
    run(unknown, clock, () => 24e6, 3); // no round trip: the step is measured
    assert.equal(unknown.maxStreams, 16);
  });

  it('auto sees a lone stream fill the link 0.4 s into its settled window (its next range may join the rest); a loss-bound one takes the whole window', () => {
    const clock = { now: 0 };
    const settledAt = (rate: number) => {
      const scaler = new StreamScaler('auto', { rttMs: 40, clock: () => clock.now });
      const start = clock.now;
      let bytes = 0;
      while (scaler.maxStreams > 1 && scaler.streams === 1) {
        clock.now += 50;
        bytes += rate / 20;
        scaler.observe(bytes);
      }
      return { afterMs: clock.now - start, streams: scaler.streams };
    };
    // The first report (50 ms), SETTLE_MS (0.5 s), then 0.4 s of the window.
    assert.deepEqual(settledAt(24e6), { afterMs: 950, streams: 1 });
    // ~5 Mbit/s: the whole 1.5 s window, then the step (24 KB in flight: straight to 16).
    assert.deepEqual(settledAt(6e5), { afterMs: 2050, streams: 16 });
  });

  it('auto does not take a loss-bound stream\'s slow start (fast until its first losses) for one that fills the link', () => {
    const clock = { now: 0 };
    const scaler = new StreamScaler('auto', { rttMs: 40, clock: () => clock.now });
    let bytes = 0;
    while (clock.now < 2100) {
      clock.now += 50;
      bytes += (clock.now <= 500 ? 13e6 : 6e5) / 20; // 104 Mbit/s for half a second, then ~5
      scaler.observe(bytes);
    }
    assert.equal(scaler.streams, 16);
  });

  it('auto checks the look over the full window after it: a stream fast only in its slow start is measured afresh at once, a filling one stays alone', () => {
    const after = (rateAt: (ms: number, streams: number) => number, seconds: number) => {
      const clock = { now: 0 };
      const scaler = new StreamScaler('auto', { rttMs: 40, clock: () => clock.now });
      let bytes = 0;
      const seen: number[] = [];
      while (clock.now < seconds * 1000) {
        clock.now += 50;
        bytes += rateAt(clock.now, scaler.streams) / 20;
        scaler.observe(bytes);
        if (seen[seen.length - 1] !== scaler.streams) seen.push(scaler.streams);
      }
      return { seen, streams: scaler.streams, maxStreams: scaler.maxStreams };
    };
    // 112 Mbit/s (560 KB in flight) for its first second, then ~5 Mbit/s a stream: alone until the
    // check 1.5 s after the look, then steps as from the start (x4: no round trip then).
    const lossy = after((ms, n) => (ms <= 1000 ? 14e6 : 6e5 * n), 9);
    assert.deepEqual(lossy.seen, [1, 4, 16]);
    // Filling the link all along: the check keeps it at one stream.
    assert.deepEqual(after(() => 24e6, 9), { seen: [1], streams: 1, maxStreams: 1 });
  });

  it('auto\'s first step, from one stream of known round trip, takes as many streams as keep 512 KiB in flight together (4 at least); later steps x4', () => {
    const firstStep = (bytesPerS: number, rttMs?: number) => {
      const clock = { now: 0 };
      const scaler = new StreamScaler('auto', { rttMs, clock: () => clock.now });
      run(scaler, clock, () => bytesPerS, 2.1);
      return scaler.streams;
    };
    assert.equal(firstStep(6e5, 40), 16); // 24 KB in flight
    assert.equal(firstStep(1.5e6, 40), 8); // 60 KB
    assert.equal(firstStep(3e6, 40), 4); // 120 KB
    assert.equal(firstStep(6e5), 4); // no round trip: x4
  });

  it('auto measures a step only once every new stream sends (SSH streams log in first, ~2 s here)', () => {
    const clock = { now: 0 };
    const s = new StreamScaler('auto', { clock: () => clock.now });
    let [count, before, changedAt, bytes] = [s.streams, s.streams, 0, 0];
    for (let t = 0; t < 600; t++) {
      clock.now += 100;
      if (s.streams !== count) [before, count, changedAt] = [count, s.streams, clock.now];
      // The streams added at the last change start sending 2 s after it; the others go on.
      const sending = clock.now - changedAt >= 2000 ? count : before;
      bytes += (sending * 5e5) / 10;
      s.observe(bytes, sending);
    }
    assert.equal(s.streams, 16);
  });

  it('auto still measures when some new streams never start (a node refusing more logins)', () => {
    const clock = { now: 0 };
    const s = new StreamScaler('auto', { clock: () => clock.now });
    let bytes = 0;
    for (let t = 0; t < 600; t++) {
      clock.now += 100;
      const sending = Math.min(4, s.streams); // only the first 4 ever send
      bytes += (sending * 5e5) / 10;
      s.observe(bytes, sending);
    }
    assert.equal(s.streams, 4); // the step to 16 did not pay: back to 4
  });

  it('back at one stream, auto tries again after 20 s, then after twice as long: one bad window does not hold a lossy link at one stream', () => {
    const clock = { now: 0 };
    const s = new StreamScaler('auto', { clock: () => clock.now });
    // The first try of 4 streams meets a bad window (20 % more); later, every stream adds its share.
    const rateOf = (n: number) => (clock.now < 10_000 ? Math.min(n, 1.2) : n) * 5e5;
    const counts: Array<[number, number]> = [];
    let bytes = 0;
    for (let t = 0; t < 600; t++) {
      clock.now += 100;
      bytes += rateOf(s.streams) / 10;
      s.observe(bytes);
      if (counts[counts.length - 1]?.[1] !== s.streams) counts.push([clock.now, s.streams]);
    }
    assert.deepEqual(counts.map(([, n]) => n), [1, 4, 1, 4, 16]);
    const backAtOne = counts[2][0];
    const tried = counts[3][0];
    assert.ok(tried - backAtOne >= 20_000 && tried - backAtOne < 24_000, `tried again ${tried - backAtOne} ms after settling at one`);
  });

  it('on a link one stream fills, the tries come ever rarer (20 s, then 40 s, ...)', () => {
    const clock = { now: 0 };
    const s = new StreamScaler('auto', { clock: () => clock.now });
    const tries: number[] = [];
    let bytes = 0;
    for (let t = 0; t < 1500; t++) {
      clock.now += 100;
      const before = s.streams;
      bytes += 1e8 / 10;
      s.observe(bytes);
      if (before === 1 && s.streams === 4) tries.push(clock.now);
    }
    assert.equal(s.streams, 1);
    assert.equal(tries.length, 3, `tries at ${tries.join(', ')} ms`); // ~2 s, ~24 s, ~66 s into 150 s
    assert.ok(tries[2] - tries[1] > 1.8 * (tries[1] - tries[0]), `gaps ${tries[1] - tries[0]}, ${tries[2] - tries[1]} ms`);
  });
});
