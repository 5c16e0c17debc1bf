import { strict as assert } from 'node:assert';
import { parseHostsText } from '../../../../src/core/hosts';
import { StateStore } from '../../../../src/core/router';
import type { ClusterStore } from '../../../../src/extension/cluster/clusterStore';
import type { HostsState } from '../../../../src/extension/hosts/hostsState';
import { StateBuilder } from '../tree/stateFixture';
import { makeStore, settle } from './storeFixture';

const NOT_FOUND: HostsState = { kind: 'not_found', message: 'No distributed_hosts.yaml in /w' };
const FILE = '/c/distributed_hosts.yaml';
const YAML = 'hosts:\n  a:\n    ssh_host: 10.0.0.1\n  b:\n    ssh_host: 10.0.0.2\n';
const loaded = (yaml = YAML): HostsState => ({ kind: 'loaded', file: FILE, hosts: parseHostsText(yaml, FILE) });
const descriptions = (store: ClusterStore) => store.roots().filter((e) => e.kind === 'node').map((e) => `${e.label}: ${e.description}`);

describe('ClusterStore', () => {
  const cleanups: Array<() => void> = [];
  const setup = (load: () => Promise<HostsState> = async () => NOT_FOUND) => {
    const made = makeStore(load);
    cleanups.push(made.cleanup);
    return made;
  };
  afterEach(() => cleanups.splice(0).forEach((c) => c()));

  it('starts empty and fills the tree on reload, with one change event', async () => {
    const { store, logged } = setup();
    let changes = 0;
    store.onDidChange(() => changes++);
    assert.deepEqual(store.roots(), []);
    await store.reload();
    assert.equal(store.roots()[0].label, 'No hosts file found');
    assert.equal(changes, 1);
    assert.deepEqual(logged, ['warn No distributed_hosts.yaml in /w']);
  });

  it('debounces: a burst of reload requests is one reload, 300 ms after the last', async () => {
    const { store, timers, loads } = setup();
    store.scheduleReload();
    store.scheduleReload();
    store.scheduleReload();
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
    const { store, loads } = setup(async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise<void>((r) => (release = r));
      inFlight--;
      return NOT_FOUND;
    });
    const first = store.reload();
    void store.reload();
    void store.reload();
    release();
    await settle();
    release();
    await first;
    assert.equal(loads(), 2);
    assert.equal(maxInFlight, 1);
  });

  it('stops timers and listeners on dispose', () => {
    const { store, timers } = setup();
    let changes = 0;
    store.onDidChange(() => changes++);
    store.scheduleReload();
    store.dispose();
    assert.equal(timers.pending.size, 0);
    assert.equal(changes, 0);
  });

  it('re-reads the router state when the state dir changes, debounced', async () => {
    const { store, timers, stateDir } = setup(async () => loaded());
    await store.reload();
    await new StateStore(stateDir, FILE).update((s) => Object.assign(s, new StateBuilder().disable('b').state));
    store.stateDirChanged();
    store.stateDirChanged();
    assert.equal(timers.pending.size, 1);
    assert.deepEqual(descriptions(store), ['a: untested · p2p → rsync → base64', 'b: untested · p2p → rsync → base64']);
    timers.fireAll();
    assert.deepEqual(descriptions(store), ['a: untested · p2p → rsync → base64', 'b: disabled: all transports exhausted']);
    assert.equal(store.summary()?.stats.disabledNodeCount, 1);
  });

  it('repaints live test results at most once per interval, not once per result', async () => {
    const { store, timers } = setup(async () => loaded());
    await store.reload();
    let repaints = 0;
    store.onDidChange(() => repaints++);
    store.live.start([{ node: 'a', transports: ['p2p', 'rsync'] }]);
    store.live.result({ node: 'a', transport: 'p2p', success: true, message: 'ok', latencyMs: 3 });
    store.live.result({ node: 'a', transport: 'rsync', success: true, message: 'ok', latencyMs: 4 });
    assert.equal(repaints, 0);
    assert.equal(timers.pending.size, 1);
    timers.fireAll();
    assert.equal(repaints, 1);
    assert.deepEqual(descriptions(store)[0], 'a: p2p · 3 ms');
  });

  it('applies view options (filter) and says what is hidden', async () => {
    const { store } = setup(async () => loaded());
    await store.reload();
    store.setView({ filter: 'b' });
    assert.deepEqual(descriptions(store).map((d) => d.split(':')[0]), ['b']);
    assert.equal(store.message(), "Showing 1 of 2 nodes: name contains 'b'");
  });

  it('opens the core session only when first asked, and again after a reload or a token change', async () => {
    const { store, token } = setup(async () => loaded());
    assert.equal(store.session().ok, false, 'nothing loaded yet');
    await store.reload();
    const first = store.session();
    assert.ok(first.ok);
    const again = store.session();
    assert.ok(again.ok && again.value === first.value, 'kept while nothing changes');
    token.change('tok-1');
    const afterToken = store.session();
    assert.ok(afterToken.ok && first.ok && afterToken.value !== first.value);
    assert.equal(afterToken.ok && afterToken.value.transportOptions.agentToken, 'tok-1');
    await store.reload();
    const afterReload = store.session();
    assert.ok(afterReload.ok && afterToken.ok && afterReload.value !== afterToken.value, 'the session follows the file');
  });

  it('keeps each node\'s last diagnosis for the tree', async () => {
    const { store } = setup(async () => loaded());
    await store.reload();
    store.recordDiagnosis({ node: 'a', causes: [], probes: [] } as never, Date.now());
    assert.equal(store.diagnoses.get('a')?.report.node, 'a');
  });
});
