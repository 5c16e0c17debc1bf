import { strict as assert } from 'node:assert';
import type { HostsState } from '../../../../src/extension/hosts/hostsState';
import { parseHostsText } from '../../../../src/core/hosts';
import { emptyState, type RouterState } from '../../../../src/core/router';
import { LiveProbes } from '../../../../src/extension/cluster/liveProbes';
import { NodesModel, type Timers } from '../../../../src/extension/tree/nodesModel';
import { StateBuilder } from './stateFixture';

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

  describe('with router state and live tests', () => {
    const FILE = '/c/distributed_hosts.yaml';
    const LOADED: HostsState = { kind: 'loaded', file: FILE, hosts: parseHostsText('hosts:\n  a:\n    ssh_host: 10.0.0.1\n  b:\n    ssh_host: 10.0.0.2\n', FILE) };

    function withState() {
      const timers = new ManualTimers();
      let state: RouterState = emptyState();
      const live = new LiveProbes();
      const loaded: string[] = [];
      const model = new NodesModel({ load: async () => LOADED, readState: () => state, live, log: { info: () => undefined, warn: () => undefined }, timers });
      model.onDidLoad((h) => loaded.push(h.kind));
      return { model, timers, live, loaded, setState: (s: RouterState) => (state = s) };
    }
    const descriptions = (model: NodesModel) => model.roots().filter((e) => e.kind === 'node').map((e) => `${e.label}: ${e.description}`);

    it('tells load listeners about each hosts-file load (the session follows the file)', async () => {
      const { model, loaded } = withState();
      await model.reload();
      assert.deepEqual(loaded, ['loaded']);
    });

    it('re-reads the router state when the state dir changes, debounced', async () => {
      const { model, timers, setState } = withState();
      await model.reload();
      setState(new StateBuilder().disable('b').state);
      model.scheduleStateRefresh();
      model.scheduleStateRefresh();
      assert.equal(timers.pending.size, 1);
      assert.deepEqual(descriptions(model), ['a: untested · p2p → rsync → base64', 'b: untested · p2p → rsync → base64']);
      timers.fireAll();
      assert.deepEqual(descriptions(model), ['a: untested · p2p → rsync → base64', 'b: disabled: all transports exhausted']);
      assert.equal(model.summary()?.stats.disabledNodeCount, 1);
    });

    it('repaints live test results at most once per interval, not once per result', async () => {
      const { model, timers, live } = withState();
      await model.reload();
      let repaints = 0;
      model.onDidChange(() => repaints++);
      live.start([{ node: 'a', transports: ['p2p', 'rsync'] }]);
      live.result({ node: 'a', transport: 'p2p', success: true, message: 'ok', latencyMs: 3 });
      live.result({ node: 'a', transport: 'rsync', success: true, message: 'ok', latencyMs: 4 });
      assert.equal(repaints, 0);
      assert.equal(timers.pending.size, 1);
      timers.fireAll();
      assert.equal(repaints, 1);
      assert.deepEqual(descriptions(model)[0], 'a: p2p · 3 ms');
    });

    it('applies view options (filter) and says what is hidden', async () => {
      const { model } = withState();
      await model.reload();
      model.setView({ filter: 'b' });
      assert.deepEqual(descriptions(model).map((d) => d.split(':')[0]), ['b']);
      assert.equal(model.message(), "Showing 1 of 2 nodes: name contains 'b'");
    });
  });
});
