import { strict as assert } from 'node:assert';
import type { HostsState } from '../../../../src/extension/hosts/hostsState';
import { NodesModel, type Timers } from '../../../../src/extension/tree/nodesModel';

/** Timers the test fires by hand: debouncing without waiting. */
class ManualTimers implements Timers {
  pending = new Map<number, { fn: () => void; ms: number }>();
  private next = 1;
  setTimeout(fn: () => void, ms: number): number {
    this.pending.set(this.next, { fn, ms });
    return this.next++;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  fireAll(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    due.forEach((t) => t.fn());
  }
}

const NOT_FOUND: HostsState = { kind: 'not_found', message: 'No distributed_hosts.yaml in /w' };

function setup(load: () => Promise<HostsState> = async () => NOT_FOUND) {
  const timers = new ManualTimers();
  const logged: string[] = [];
  let loads = 0;
  const model = new NodesModel({
    load: () => (loads++, load()),
    log: { info: (m) => logged.push(`info ${m}`), warn: (m) => logged.push(`warn ${m}`) },
    timers,
  });
  return { model, timers, logged, loads: () => loads };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('NodesModel', () => {
  it('starts empty and fills the tree on reload, telling listeners', async () => {
    const { model, logged } = setup();
    let changes = 0;
    model.onDidChange(() => changes++);
    assert.deepEqual(model.roots(), []);
    await model.reload();
    assert.equal(model.roots()[0].label, 'No hosts file found');
    assert.equal(changes, 1);
    assert.deepEqual(logged, ['warn No distributed_hosts.yaml in /w']);
  });

  it('debounces: a burst of change events is one reload, 300 ms after the last', async () => {
    const { model, timers, loads } = setup();
    model.scheduleReload();
    model.scheduleReload();
    model.scheduleReload();
    assert.equal(timers.pending.size, 1);
    assert.equal([...timers.pending.values()][0].ms, 300);
    assert.equal(loads(), 0);
    timers.fireAll();
    await settle();
    assert.equal(loads(), 1);
  });

  it('a reload asked for during a reload runs once more afterwards, never in parallel', async () => {
    let release!: () => void;
    let inFlight = 0;
    let maxInFlight = 0;
    const { model, loads } = setup(async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise<void>((r) => (release = r));
      inFlight--;
      return NOT_FOUND;
    });
    const first = model.reload();
    void model.reload();
    void model.reload();
    release();
    await settle();
    release();
    await first;
    assert.equal(loads(), 2);
    assert.equal(maxInFlight, 1);
  });

  it('stops timers and listeners on dispose', () => {
    const { model, timers } = setup();
    let changes = 0;
    model.onDidChange(() => changes++);
    model.scheduleReload();
    model.dispose();
    assert.equal(timers.pending.size, 0);
    assert.equal(changes, 0);
  });
});
