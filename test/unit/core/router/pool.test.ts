import { strict as assert } from 'node:assert';
import { mapWithConcurrency } from '../../../../src/core/router/pool';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs tasks of the given durations, recording how many ran at once. */
async function run(durations: number[], limit: number, yieldSlot?: { afterMs: number; maxInFlight: number }, signal?: AbortSignal) {
  let now = 0;
  let peak = 0;
  const started: number[] = [];
  const finished: number[] = [];
  const results = await mapWithConcurrency(durations, limit, async (ms, i) => {
    started.push(i);
    peak = Math.max(peak, ++now);
    await sleep(ms);
    now--;
    finished.push(i);
    return i * 10;
  }, signal, yieldSlot);
  return { results, peak, started, finished };
}

describe('mapWithConcurrency', () => {
  it('keeps input order and never runs more than the limit', async () => {
    const r = await run([30, 5, 20, 1, 10, 1], 2);
    assert.deepEqual(r.results, [0, 10, 20, 30, 40, 50]);
    assert.equal(r.peak, 2);
  });

  it('starts nothing new once the signal aborts', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 15);
    const r = await run([10, 10, 10, 10, 10, 10], 1, undefined, ac.signal);
    assert.ok(r.started.length < 6, `started ${r.started.length}`);
    assert.equal(r.results.length, 6);
    assert.equal(r.results[5], undefined);
  });

  it('rejects when a task rejects, after the running ones end', async () => {
    let finished = false;
    const p = mapWithConcurrency([0, 1], 2, async (i) => {
      if (i === 0) throw new Error('boom');
      await sleep(20);
      finished = true;
      return i;
    });
    await assert.rejects(p, /boom/);
    assert.ok(finished);
  });

  it('lets a task that waits past afterMs give its slot to the next, up to maxInFlight in all', async () => {
    // Two slow tasks (waiting) and four quick ones, one slot: the quick ones do not queue behind the slow.
    const r = await run([300, 300, 5, 5, 5, 5], 1, { afterMs: 20, maxInFlight: 3 });
    assert.equal(r.peak, 3);
    assert.deepEqual(r.finished.slice(0, 4), [2, 3, 4, 5]);
    assert.deepEqual(r.results, [0, 10, 20, 30, 40, 50]);
  });

  it('without a yield, a slow task holds its slot', async () => {
    const r = await run([50, 50, 5], 1);
    assert.deepEqual(r.finished, [0, 1, 2]);
    assert.equal(r.peak, 1);
  });

  it('resolves at once for no items', async () => {
    assert.deepEqual(await mapWithConcurrency([], 3, async () => 1), []);
  });
});
