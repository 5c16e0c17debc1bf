import { strict as assert } from 'node:assert';
import { StallMonitor } from '../../../src/extension/stallMonitor';

describe('StallMonitor', () => {
  it('records the longest lateness of its tick, and forgets it on reset', () => {
    let now = 0;
    const monitor = new StallMonitor(() => now);
    monitor.reset();
    for (const gap of [10, 12, 250, 10, 40]) {
      now += gap;
      monitor.tick();
    }
    assert.equal(monitor.longest()?.ms, 240);
    monitor.reset();
    assert.equal(monitor.longest(), undefined);
    now += 10;
    monitor.tick();
    assert.equal(monitor.longest(), undefined, 'a tick on time is no stall');
  });

  it('sees a real blocked event loop', async () => {
    const monitor = new StallMonitor();
    monitor.start();
    await new Promise((r) => setTimeout(r, 30));
    const until = performance.now() + 150;
    while (performance.now() < until);
    await new Promise((r) => setTimeout(r, 30));
    monitor.stop();
    assert.ok(!monitor.running);
    assert.ok((monitor.longest()?.ms ?? 0) >= 120, `saw ${monitor.longest()?.ms} ms`);
  });
});
