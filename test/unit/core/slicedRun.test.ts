import { strict as assert } from 'node:assert';
import { LatestWins, nextTimerTurn, runAtOnce, runFromNow, runInSlices, TurnQueue, type Slicing } from '../../../src/core/slicedRun';

/** Work as steps: at once, or in slices that give the event loop back, stopping when stale. */
function* counting(steps: number, log: number[]): Generator<void, number> {
  for (let i = 0; i < steps; i++) {
    log.push(i);
    yield;
  }
  return steps;
}

/** A slice ends after every step; each yield is counted. */
function everyStep(): Slicing & { turns: number } {
  const s = { turns: 0, sliceMs: 0, yieldNow: async () => void s.turns++ };
  return s;
}

describe('slicedRun', () => {
  it('runs steps at once', () => {
    const log: number[] = [];
    assert.equal(runAtOnce(counting(5, log)), 5);
    assert.deepEqual(log, [0, 1, 2, 3, 4]);
  });

  it('answers synchronously when the work fits in the first slice', () => {
    const started = runFromNow(counting(5, []), { sliceMs: 1000, yieldNow: async () => assert.fail('no yield') }, () => false);
    assert.deepEqual(started, { done: true, value: 5 });
  });

  it('yields between slices, and stops when the work went stale', async () => {
    const slicing = everyStep();
    assert.equal(await runInSlices(counting(5, []), slicing, () => false), 5);
    assert.equal(slicing.turns, 5);
    const log: number[] = [];
    assert.equal(await runInSlices(counting(50, log), everyStep(), () => log.length >= 3), undefined);
    assert.equal(log.length, 3, 'no step after it went stale');
  });

  it('LatestWins answers only the newest work', async () => {
    const wins = new LatestWins(everyStep());
    const answers: number[] = [];
    wins.start(counting(10, []), (n) => answers.push(n));
    wins.start(counting(4, []), (n) => answers.push(n));
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(answers, [4]);
  });

  it('TurnQueue gives each taker a turn of its own, in the order they asked', async () => {
    const log: string[] = [];
    let turn = 0;
    const turns = new TurnQueue(async () => {
      await new Promise((r) => setImmediate(r));
      turn++;
    });
    const taker = async (name: string) => {
      await turns.take();
      log.push(`${name}@${turn}`);
    };
    await Promise.all([taker('outline'), taker('lenses'), taker('diagnostics')]);
    assert.deepEqual(log, ['outline@1', 'lenses@2', 'diagnostics@3']);
  });

  it('TurnQueue on timers: a timer that came due during a taker\'s turn runs before the next taker\'s', async () => {
    const turns = new TurnQueue(nextTimerTurn);
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    // The CPU time between two ticks of a 5 ms timer: what the stall monitor calls busy.
    let last = process.cpuUsage();
    let longestBusyMs = 0;
    const ticks = setInterval(() => {
      const used = process.cpuUsage(last);
      longestBusyMs = Math.max(longestBusyMs, (used.user + used.system) / 1000);
      last = process.cpuUsage();
    }, 5);
    await Promise.all([turns.take().then(() => busy(40)), turns.take().then(() => busy(40))]);
    await new Promise((r) => setTimeout(r, 20));
    clearInterval(ticks);
    // Back to back (the next turn's timer set before the first taker's work) would be >= 80 ms.
    assert.ok(longestBusyMs < 65, `longest busy gap ${longestBusyMs} ms`);
  });
});
