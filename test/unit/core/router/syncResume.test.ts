import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { NodeSpec } from '../../../../src/core/hosts/nodeSpec';
import { EventLog, type RouterEvent } from '../../../../src/core/router/eventLog';
import { applyEnv, DEFAULT_ROUTER_SETTINGS, resumeBudgetFor, type RouterSettings } from '../../../../src/core/router/routerSettings';
import { StateStore } from '../../../../src/core/router/stateStore';
import { SyncRouter } from '../../../../src/core/router/syncRouter';
import { makeNode, manualClock, scriptedSet, tempDir } from '../../helpers/scriptedTransports';

const MiB = 1 << 20;
const job = { localPath: '/nonexistent/f', remotePath: 'data/f' };

/** A router over scripted transports whose every push takes `tryMs` of the injected clock. */
function setup(settings: Partial<RouterSettings> = {}, tryMs = 1000) {
  const dir = tempDir();
  const transports = scriptedSet();
  const clock = manualClock();
  for (const t of Object.values(transports)) t.onPush = () => clock.advance(tryMs);
  const store = new StateStore(dir, path.join(dir, 'distributed_hosts.yaml'));
  const events = new EventLog(dir);
  const seen: RouterEvent[] = [];
  events.onEvent((e) => seen.push(e));
  const router = new SyncRouter({ nodes: [], transports, store, events, settings: { ...DEFAULT_ROUTER_SETTINGS, resumeBudgetMs: 60_000, ...settings }, clock });
  const sync = (n: NodeSpec, signal = new AbortController().signal) => router.sync(n, job, { signal });
  const node = () => router.status().state.nodes.a;
  return { transports, clock, seen, router, sync, node };
}

const moved = (bytes: number) => ({ moved: bytes });
const summary = (attempts: Array<{ transport: string; result: string; bytesMoved?: number; resumed?: true }>) =>
  attempts.map((a) => [a.transport, a.result, a.bytesMoved, a.resumed ?? false]);

describe('SyncRouter: resume on progress', () => {
  it('resumes p2p while each try moves the partial, and the resumed success is no escalation', async () => {
    const n = makeNode('a');
    const t = setup();
    t.transports.p2p.script('a', moved(16 * MiB), moved(16 * MiB), moved(16 * MiB), 'ok');
    const r = await t.sync(n);
    assert.equal(r.success, true);
    assert.equal(r.transportUsed, 'p2p');
    assert.deepEqual(summary(r.attempts), [
      ['p2p', 'failed', 16 * MiB, false], ['p2p', 'failed', 16 * MiB, true], ['p2p', 'failed', 16 * MiB, true], ['p2p', 'ok', 10, true],
    ]);
    assert.deepEqual(r.attempts.map((a) => a.partialBytes), [16 * MiB, 32 * MiB, 48 * MiB, undefined]);
    assert.equal(r.resumedTries, 3);
    assert.equal(t.transports.p2p.probes.length, 1, 'a resume does not probe again');
    assert.deepEqual(t.transports.http.pushes, []);
    assert.deepEqual(t.seen.map((e) => [e.type, e.bytesMoved]), [
      ['SYNC_RESUMED', 16 * MiB], ['SYNC_RESUMED', 16 * MiB], ['SYNC_RESUMED', 16 * MiB], ['SYNC_COMPLETED', undefined],
    ]);
    assert.equal(t.router.status().stats.escalationsToday, 0);
    assert.equal(t.node().transports.p2p?.consecutiveFailures, 0);
    assert.deepEqual(t.node().transports.p2p?.failureTimes, [], 'no failure counted');
    const history = t.router.history(n).reverse();
    assert.deepEqual(history.map((h) => [h.result, h.bytesMoved, h.resumed ?? false]), [
      ['failed', 16 * MiB, false], ['failed', 16 * MiB, true], ['failed', 16 * MiB, true], ['ok', 10, true],
    ]);
  });

  it('ends the sync when the resume budget is spent: not escalated, nothing counted, the node stays enabled', async () => {
    const n = makeNode('a');
    const t = setup({ resumeBudgetMs: 2500 });
    t.transports.p2p.script('a', ...Array.from({ length: 10 }, () => moved(MiB)));
    const r = await t.sync(n);
    assert.equal(r.success, false);
    assert.equal(r.disabled, false);
    assert.deepEqual(r.attempts.map((a) => a.transport), ['p2p', 'p2p', 'p2p'], 'tries end at 3 s of a 2.5 s budget');
    assert.match(r.message, /resume budget ran out; the node stays enabled/);
    assert.match(r.message, /3\.0 MiB on the node/);
    assert.deepEqual(t.transports.http.pushes, []);
    assert.deepEqual(t.node().transports.p2p?.failureTimes ?? [], []);
    assert.ok(!t.seen.some((e) => e.type === 'NODE_DISABLED' || e.type === 'SYNC_STALLED'));
  });

  it('escalates after failoverThreshold consecutive tries that moved nothing; only those count', async () => {
    const n = makeNode('a');
    const t = setup({ failoverThreshold: 2 });
    // moved, nothing (1), moved (resets the count), nothing (1), a zero move (2): escalate.
    t.transports.p2p.script('a', moved(MiB), 'fails', moved(MiB), 'fails', moved(0));
    const r = await t.sync(n);
    assert.equal(r.transportUsed, 'http');
    assert.deepEqual(summary(r.attempts), [
      ['p2p', 'failed', MiB, false], ['p2p', 'failed', undefined, true], ['p2p', 'failed', MiB, false],
      ['p2p', 'failed', undefined, true], ['p2p', 'failed', 0, false], ['http', 'ok', 10, false],
    ]);
    assert.equal(t.node().transports.p2p?.consecutiveFailures, 3);
    const stalled = t.seen.find((e) => e.type === 'SYNC_STALLED');
    assert.equal(stalled?.failures, 2);
    assert.equal(t.router.status().stats.escalationsToday, 1);
  });

  it('never disables a node while its last transport keeps moving the partial', async () => {
    const n = makeNode('a');
    const t = setup({ resumeBudgetMs: 10_000 });
    for (const k of ['p2p', 'http', 'rsync'] as const) t.transports[k].set('a', 'push-fails');
    t.transports.base64.script('a', ...Array.from({ length: 20 }, () => moved(MiB)));
    const r = await t.sync(n);
    assert.equal(r.success, false);
    assert.equal(r.disabled, false);
    assert.ok(r.attempts.filter((a) => a.transport === 'base64').length > 2);
    assert.equal(t.node().enabled, true);
    // The same node, every transport failing without progress: disabled as before.
    t.transports.base64.set('a', 'push-fails');
    t.transports.base64.script('a');
    t.clock.advance(3_600_000);
    const again = await t.sync(n);
    assert.equal(again.disabled, true);
  });

  it('a cancel during a resumed try stops the walk at once: no more tries, the node stays enabled', async () => {
    const n = makeNode('a');
    const t = setup();
    const ac = new AbortController();
    t.transports.p2p.script('a', moved(MiB), moved(MiB), moved(MiB), 'ok');
    const clockPush = t.transports.p2p.onPush!;
    t.transports.p2p.onPush = () => {
      clockPush();
      if (t.transports.p2p.pushes.length === 2) ac.abort();
    };
    const r = await t.sync(n, ac.signal);
    assert.equal(r.success, false);
    assert.equal(r.disabled, false);
    assert.deepEqual(r.attempts.map((a) => a.transport), ['p2p', 'p2p']);
    assert.match(r.message, /^cancelled/);
    assert.deepEqual(t.transports.http.pushes, []);
    assert.equal(t.node().transports.p2p?.consecutiveFailures ?? 0, 1, 'the cancelled try moved nothing');
  });

  it('budget: RINGRIFT_SYNC_RESUME_BUDGET_SECONDS, else 5 min or the file at 1 MiB/s', () => {
    assert.equal(resumeBudgetFor(DEFAULT_ROUTER_SETTINGS, 64 * MiB), 300_000);
    assert.equal(resumeBudgetFor(DEFAULT_ROUTER_SETTINGS, 1024 * MiB), 1_024_000);
    const set = applyEnv(DEFAULT_ROUTER_SETTINGS, { RINGRIFT_SYNC_RESUME_BUDGET_SECONDS: '90' });
    assert.equal(resumeBudgetFor(set.settings, 1024 * MiB), 90_000);
    const bad = applyEnv(DEFAULT_ROUTER_SETTINGS, { RINGRIFT_SYNC_RESUME_BUDGET_SECONDS: '0' });
    assert.equal(bad.settings.resumeBudgetMs, undefined);
    assert.match(bad.warnings[0], /RINGRIFT_SYNC_RESUME_BUDGET_SECONDS='0' is not a number of seconds > 0/);
  });
});
