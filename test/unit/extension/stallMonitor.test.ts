import { strict as assert } from 'node:assert';
import { StallMonitor } from '../../../src/extension/stallMonitor';

describe('StallMonitor', () => {
  it('records the latest tick, and the one with the most CPU time of the thread; reset forgets them', () => {
    let wall = 0;
    let cpu = 0;
    const monitor = new StallMonitor(() => wall, () => cpu);
    monitor.reset();
    // [wall gap, CPU spent in it]: a busy stall of 150 ms, then a 500 ms one the thread was not even run in.
    for (const [gap, spent] of [[10, 1], [12, 2], [160, 150], [10, 1], [510, 5]]) {
      wall += gap;
      cpu += spent;
      monitor.tick();
    }
    assert.deepEqual({ ms: monitor.longest()?.ms, cpuMs: monitor.longest()?.cpuMs }, { ms: 500, cpuMs: 5 });
    assert.deepEqual({ ms: monitor.longestBusy()?.ms, cpuMs: monitor.longestBusy()?.cpuMs }, { ms: 150, cpuMs: 150 });
    monitor.reset();
    assert.equal(monitor.longest(), undefined);
    wall += 10;
    monitor.tick();
    assert.equal(monitor.longest(), undefined, 'a tick on time is no stall');
  });

  it('sees a real blocked event loop, as work of this thread', async () => {
    const monitor = new StallMonitor();
    monitor.start();
    await new Promise((r) => setTimeout(r, 30));
    const until = performance.now() + 150;
    while (performance.now() < until);
    await new Promise((r) => setTimeout(r, 30));
    monitor.stop();
    assert.ok(!monitor.running);
    assert.ok((monitor.longest()?.ms ?? 0) >= 120, `saw ${monitor.longest()?.ms} ms`);
    // On a busy machine the thread may get only part of the 150 ms of CPU: some, and no more than the stall.
    const busy = monitor.longestBusy();
    assert.ok(busy && busy.cpuMs > 0 && busy.cpuMs <= busy.ms, `busy ${busy?.cpuMs} ms of ${busy?.ms} ms`);
  });
});
