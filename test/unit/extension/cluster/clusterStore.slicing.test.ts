import { strict as assert } from 'node:assert';
import { parseHostsText } from '../../../../src/core/hosts';
import type { HostsState } from '../../../../src/extension/hosts/hostsState';
import { manyHostsYaml } from '../../../fixtures/hosts/manyHosts';
import { makeStore } from './storeFixture';

/** A big cluster's tree is built in slices: the event loop turns meanwhile, and only the newest build shows. */
const FILE = '/c/distributed_hosts.yaml';
const hosts = parseHostsText(manyHostsYaml(300), FILE);
const nodeCount = (roots: Array<{ kind: string }>) => roots.filter((e) => e.kind === 'node').length;

describe('ClusterStore: a big tree, built in slices', () => {
  it('shows the tree once built, turning the event loop between slices; a newer build replaces one under way', async () => {
    let turns = 0;
    let onTurn = () => undefined as void;
    const slicing = { sliceMs: 0, yieldNow: () => new Promise<void>((r) => setImmediate(() => (turns++, onTurn(), r()))) };
    const made = makeStore(async (): Promise<HostsState> => ({ kind: 'loaded', file: FILE, hosts }), slicing);
    try {
      const { store } = made;
      const shown: number[] = [];
      store.onDidChange(() => shown.push(nodeCount(store.roots())));
      await store.reload();
      assert.deepEqual(shown, [], 'nothing shown before the build is done');
      // Half-way, the view changes: that build stops, the filtered one shows.
      onTurn = () => {
        if (turns === 100) store.setView({ filter: 'vast-1' });
      };
      while (shown.length === 0) await new Promise((r) => setImmediate(r));
      assert.ok(turns >= 100 + nodeCount(store.roots()), `${turns} turns`);
      assert.deepEqual(shown, [nodeCount(store.roots())]);
      assert.ok(store.roots().filter((e) => e.kind === 'node').every((e) => e.label.startsWith('vast-1')));
    } finally {
      made.cleanup();
    }
  });
});
