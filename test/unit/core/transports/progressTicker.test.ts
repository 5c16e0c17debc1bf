import { strict as assert } from 'node:assert';
import { progressTicker } from '../../../../src/core/transports/progressTicker';

describe('progressTicker', () => {
  it('reports at once, on demand and every half second until stopped', async () => {
    const seen: number[] = [];
    let done = 0;
    const t = progressTicker((d) => void seen.push(d), () => ({ done, total: 10 }));
    assert.deepEqual(seen, [0]);
    done = 4;
    t.report();
    assert.deepEqual(seen, [0, 4]);
    await new Promise((r) => setTimeout(r, 600));
    t.stop();
    const after = seen.length;
    assert.ok(after >= 3, `a tick while waiting: ${seen}`);
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(seen.length, after, 'nothing after stop');
  });

  it('a progress display that throws never reaches the push', () => {
    const t = progressTicker(() => {
      throw new Error('display gone');
    }, () => ({ done: 1, total: 2 }));
    assert.doesNotThrow(() => t.report());
    t.stop();
  });
});
