import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { testConnectivity } from '../../../../src/core/router/connectivityTest';
import { EventLog, type RouterEvent } from '../../../../src/core/router/eventLog';
import { HealthMonitor } from '../../../../src/core/router/healthMonitor';
import { mapWithConcurrency } from '../../../../src/core/router/pool';
import { DEFAULT_ROUTER_SETTINGS } from '../../../../src/core/router/routerSettings';
import { StateStore } from '../../../../src/core/router/stateStore';
import { SyncRouter } from '../../../../src/core/router/syncRouter';
import { makeNode, scriptedSet, tempDir } from '../../helpers/scriptedTransports';

/**
 * Behaviour that shows in wall time: these assert "bounded", with wide margins, never speed.
 * The scripted hang is 300 ms; walking four hanging transports one after another would take 1.2 s.
 */
const HANG_MS = 300;

function deps() {
  const dir = tempDir();
  return { transports: scriptedSet(HANG_MS), store: new StateStore(dir, path.join(dir, 'h.yaml')), events: new EventLog(dir), clock: Date.now };
}

describe('router: time bounds and concurrency', function () {
  this.timeout(10000);

  it('a node whose every transport hangs is disabled after about one probe timeout, not the sum', async () => {
    const d = deps();
    const node = makeNode('silent');
    for (const t of Object.values(d.transports)) t.set('silent', 'hangs');
    const router = new SyncRouter({ ...d, nodes: [node], settings: { ...DEFAULT_ROUTER_SETTINGS, probeStaggerMs: 20 } });
    const started = Date.now();
    const r = await router.sync(node, { localPath: '/f', remotePath: 'f' }, { signal: new AbortController().signal });
    const took = Date.now() - started;
    assert.equal(r.disabled, true);
    assert.equal(r.attempts.filter((a) => a.result === 'failed').length, 4);
    assert.ok(took < 2 * HANG_MS, `took ${took} ms; four sequential timeouts would be ${4 * HANG_MS} ms`);
  });

  it('a healthy node costs one probe: the later transports are never contacted', async () => {
    const d = deps();
    const node = makeNode('fine');
    const router = new SyncRouter({ ...d, nodes: [node], settings: DEFAULT_ROUTER_SETTINGS });
    const r = await router.sync(node, { localPath: '/f', remotePath: 'f' }, { signal: new AbortController().signal });
    assert.equal(r.transportUsed, 'p2p');
    await new Promise((res) => setTimeout(res, DEFAULT_ROUTER_SETTINGS.probeStaggerMs * 4));
    assert.deepEqual([d.transports.http.probes, d.transports.rsync.probes, d.transports.base64.probes], [[], [], []]);
  });

  it('one dead node does not delay the others in a fleet test', async () => {
    const d = deps();
    const nodes = ['dead', 'a', 'b', 'c'].map((n) => makeNode(n));
    for (const t of Object.values(d.transports)) t.set('dead', 'hangs');
    const finished: string[] = [];
    await testConnectivity(d, nodes, { concurrency: 4, signal: new AbortController().signal, onResult: (r) => finished.push(r.node) });
    assert.deepEqual(finished.slice(0, 12).sort(), [...Array(4).fill('a'), ...Array(4).fill('b'), ...Array(4).fill('c')].sort());
  });

  it('runs at most `limit` items at once, and starts no new item after cancellation', async () => {
    let running = 0;
    let peak = 0;
    const ctl = new AbortController();
    const results = await mapWithConcurrency(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async (i) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        if (i === 5) ctl.abort();
        return i;
      },
      ctl.signal,
    );
    assert.equal(peak, 3);
    assert.ok(results.filter((r) => r !== undefined).length < 10);
  });

  it('the health monitor emits TRANSPORT_DEGRADED for failures and never disables a node', async () => {
    const d = deps();
    const nodes = [makeNode('ok'), makeNode('bad')];
    d.transports.rsync.set('bad', 'probe-fails');
    const seen: RouterEvent[] = [];
    d.events.onEvent((e) => seen.push(e));
    const monitor = new HealthMonitor(d, () => nodes, { intervalMs: 60_000, concurrency: 2 });
    const rows = await monitor.round();
    monitor.stop();
    assert.equal(rows.length, 8);
    assert.deepEqual(seen.map((e) => [e.type, e.node, e.transport]), [['TRANSPORT_DEGRADED', 'bad', 'rsync']]);
    const state = d.store.read();
    assert.equal(state.nodes.bad.enabled, true);
    assert.equal(state.nodes.bad.transports.rsync?.lastProbe?.success, false);
  });
});
