import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RANGED_MIN_BYTES } from '../../../../src/core/byteRanges';
import type { NodeSpec, TransportKind } from '../../../../src/core/hosts/nodeSpec';
import { EventLog, type RouterEvent } from '../../../../src/core/router/eventLog';
import { preferTransport, reenableNode, resetNode } from '../../../../src/core/router/recovery';
import { DEFAULT_ROUTER_SETTINGS, type RouterSettings } from '../../../../src/core/router/routerSettings';
import { StateStore } from '../../../../src/core/router/stateStore';
import { SyncRouter } from '../../../../src/core/router/syncRouter';
import { makeNode, manualClock, scriptedSet, tempDir, type ScriptedTransport } from '../../helpers/scriptedTransports';

const job = { localPath: '/tmp/f', remotePath: 'data/f' };

function setup(nodes: NodeSpec[], settings: Partial<RouterSettings> = {}) {
  const dir = tempDir();
  const transports = scriptedSet();
  const clock = manualClock();
  const store = new StateStore(dir, path.join(dir, 'distributed_hosts.yaml'));
  const events = new EventLog(dir);
  const seen: RouterEvent[] = [];
  events.onEvent((e) => seen.push(e));
  const router = new SyncRouter({ nodes, transports, store, events, settings: { ...DEFAULT_ROUTER_SETTINGS, ...settings }, clock });
  const deps = { store, events, clock };
  const signal = new AbortController().signal;
  const sync = (n: NodeSpec, force?: 'p2p' | 'http' | 'rsync' | 'base64') => router.sync(n, job, { signal, forceTransport: force });
  return { dir, transports, clock, store, events, seen, router, deps, sync };
}

describe('SyncRouter escalation', () => {
  it('uses p2p when it works, with one attempt and a SYNC_COMPLETED event', async () => {
    const n = makeNode('a');
    const t = setup([n]);
    const r = await t.sync(n);
    assert.equal(r.success, true);
    assert.equal(r.transportUsed, 'p2p');
    assert.deepEqual(r.attempts.map((a) => [a.transport, a.result]), [['p2p', 'ok']]);
    assert.deepEqual(t.seen.map((e) => e.type), ['SYNC_COMPLETED']);
    assert.equal(t.router.status().stats.escalationsToday, 0);
  });

  it('passes the landing push\'s streams and rate on to the result (sync --json: streams, rate_bytes_per_s)', async () => {
    const n = makeNode('a');
    const t = setup([n]);
    t.transports.p2p.push = async () => ({ ok: true, transport: 'p2p', bytes: 10, bytesSent: 10, sha256: 'ab'.repeat(32), durationMs: 1, remotePath: 'f', streams: 4, rateBytesPerS: 1234 });
    const r = JSON.parse(JSON.stringify(await t.sync(n))) as Record<string, unknown>;
    assert.equal(r.streams, 4);
    assert.equal(r.rate_bytes_per_s, 1234);
    assert.equal(r.bytesSent, 10);
  });

  it('escalates p2p -> http -> rsync, emitting SYNC_STALLED and SYNC_RETRY_REQUESTED, and counts one escalation', async () => {
    const n = makeNode('a');
    const t = setup([n]);
    t.transports.p2p.set('a', 'probe-fails');
    t.transports.http.set('a', 'push-fails');
    const r = await t.sync(n);
    assert.equal(r.transportUsed, 'rsync');
    assert.deepEqual(r.attempts.map((a) => [a.transport, a.result]), [['p2p', 'failed'], ['http', 'failed'], ['rsync', 'ok']]);
    assert.deepEqual(
      t.seen.map((e) => [e.type, e.transport]),
      [['SYNC_STALLED', 'p2p'], ['SYNC_RETRY_REQUESTED', 'http'], ['SYNC_STALLED', 'http'], ['SYNC_RETRY_REQUESTED', 'rsync'], ['SYNC_COMPLETED', 'rsync']],
    );
    const st = t.router.status();
    assert.equal(st.stats.escalationsToday, 1);
    assert.deepEqual(st.stats.activeTransports, { rsync: 1 });
    assert.equal(st.state.nodes.a.transports.p2p?.consecutiveFailures, 1);
  });

  it('a file that does not fit a limit of p2p goes to the next transport without counting a failure', async () => {
    const n = makeNode('a');
    const t = setup([n], { failoverThreshold: 3 });
    t.transports.p2p.set('a', 'does-not-fit');
    const r = await t.sync(n);
    assert.equal(r.transportUsed, 'http');
    assert.deepEqual(r.attempts.map((a) => [a.transport, a.result, a.limit]), [['p2p', 'failed', 'extension_not_allowed'], ['http', 'ok', undefined]]);
    assert.match(r.attempts[0].error!, /extension '\.exe'/);
    assert.equal(t.transports.p2p.pushes.length, 1, 'a limit is not retried');
    assert.deepEqual(t.seen.map((e) => [e.type, e.transport]), [['SYNC_RETRY_REQUESTED', 'http'], ['SYNC_COMPLETED', 'http']]);
    const st = t.router.status().state.nodes.a;
    assert.equal(st.transports.p2p?.consecutiveFailures ?? 0, 0);
    assert.equal(st.lastWorkingTransport, undefined, 'later syncs still start with p2p');
    assert.equal(t.router.status().stats.escalationsToday, 0);
    assert.deepEqual((await t.sync(n)).attempts.map((a) => a.transport), ['p2p', 'http']);
  });

  it('a limit with every other transport failing leaves the node enabled and says why', async () => {
    const n = makeNode('a');
    const t = setup([n]);
    t.transports.p2p.set('a', 'does-not-fit');
    for (const k of ['http', 'rsync', 'base64'] as const) t.transports[k].set('a', 'probe-fails');
    const r = await t.sync(n);
    assert.deepEqual([r.success, r.disabled], [false, false]);
    assert.match(r.message, /^not synced: p2p cannot take this file \(extension_not_allowed\)/);
    assert.equal(t.router.status().state.nodes.a.enabled, true);
  });

  it('tells the transport the walk reaches to prepare its push of the job before its probe starts, none it does not reach, and ends each preparation with the walk', async () => {
    const n = makeNode('a');
    const t = setup([n], { failoverThreshold: 1 });
    t.transports.p2p.set('a', 'probe-fails');
    const seen: string[] = [];
    for (const kind of ['p2p', 'http', 'rsync', 'base64'] as const) {
      t.transports[kind].prepare = (node, job) => (seen.push(`prepare ${kind} ${node.name} ${job.remotePath}`), () => void seen.push(`end ${kind}`));
    }
    const probe = t.transports.http.probe.bind(t.transports.http);
    t.transports.http.probe = async (node, signal) => {
      seen.push('http probe starts');
      await new Promise((resolve) => setTimeout(resolve, 20));
      seen.push('http probed');
      return probe(node, signal);
    };
    const r = await t.sync(n);
    assert.equal(r.transportUsed, 'http');
    assert.deepEqual(seen, ['prepare p2p a data/f', 'prepare http a data/f', 'http probe starts', 'http probed', 'end p2p', 'end http']);
  });

  it('hands the push that follows its preflight the probe round (the SSH rungs run on its login), not a retry or a resume', async () => {
    const n = makeNode('a');
    const t = setup([n], { failoverThreshold: 2 });
    t.transports.p2p.set('a', 'probe-fails');
    t.transports.http.set('a', 'probe-fails');
    t.transports.rsync.script('a', 'fails', 'ok');
    const r = await t.sync(n);
    assert.equal(r.transportUsed, 'rsync');
    assert.deepEqual(t.transports.rsync.pushRounds, [true, false], 'the retry probes afresh in a round of its own, closed before its push');
  });

  it('retries a transport up to the failover threshold before moving on', async () => {
    const n = makeNode('a');
    const t = setup([n], { failoverThreshold: 3 });
    t.transports.p2p.set('a', 'push-fails');
    const r = await t.sync(n);
    assert.deepEqual(r.attempts.map((a) => a.transport), ['p2p', 'p2p', 'p2p', 'http']);
    assert.equal(t.transports.p2p.pushes.length, 3);
    assert.equal(t.router.status().state.nodes.a.transports.p2p?.consecutiveFailures, 3);
  });

  it('tries the backup transport right after the primary first fails', async () => {
    const n = makeNode('a');
    const t = setup([n], { backupTransport: 'base64' });
    t.transports.p2p.set('a', 'probe-fails');
    const r = await t.sync(n);
    assert.deepEqual(r.attempts.map((a) => [a.transport, a.result]), [['p2p', 'failed'], ['base64', 'ok']]);
  });

  it('disables the node when every transport fails, listing them, and skips it afterwards', async () => {
    const n = makeNode('dead');
    const t = setup([n]);
    for (const tr of Object.values(t.transports)) tr.set('dead', 'probe-fails');
    const r = await t.sync(n);
    assert.equal(r.success, false);
    assert.equal(r.disabled, true);
    const ns = t.router.status().state.nodes.dead;
    assert.equal(ns.enabled, false);
    assert.equal(ns.reason, 'all_transports_exhausted');
    assert.deepEqual(ns.failedTransports, ['p2p', 'http', 'rsync', 'base64']);
    assert.ok(ns.disabledAt);
    const disabledEvent = t.seen.find((e) => e.type === 'NODE_DISABLED');
    assert.equal(disabledEvent?.reason, 'all_transports_exhausted');

    const probesBefore = t.transports.p2p.probes.length;
    const again = await t.sync(n);
    assert.equal(again.success, false);
    assert.equal(again.disabled, true);
    assert.match(again.message, /disabled since .*reenable dead/);
    assert.equal(t.transports.p2p.probes.length, probesBefore, 'a disabled node is not contacted');
  });

  it('a forced transport runs on a disabled node and does not silently re-enable it', async () => {
    const n = makeNode('a');
    const t = setup([n]);
    for (const tr of Object.values(t.transports)) tr.set('a', 'probe-fails');
    await t.sync(n);
    t.transports.base64.set('a', 'ok');
    const r = await t.sync(n, 'base64');
    assert.equal(r.success, true);
    assert.equal(r.transportUsed, 'base64');
    assert.equal(r.disabled, true);
    assert.match(r.message, /stays disabled/);
    assert.equal(t.router.status().state.nodes.a.enabled, false);
  });

  it('a forced push does not reroute later syncs', async () => {
    const n = makeNode('a');
    const t = setup([n]);
    assert.equal((await t.sync(n, 'base64')).transportUsed, 'base64');
    const ns = t.router.status().state.nodes.a;
    assert.equal(ns.lastWorkingTransport, undefined);
    assert.equal(ns.upgradeRetryAt, undefined);
    assert.equal((await t.sync(n)).transportUsed, 'p2p');
  });

  it('a failed forced transport does not disable a node', async () => {
    const n = makeNode('a');
    const t = setup([n]);
    t.transports.rsync.set('a', 'probe-fails');
    const r = await t.sync(n, 'rsync');
    assert.equal(r.success, false);
    assert.equal(r.disabled, false);
    assert.deepEqual(r.attempts.map((a) => a.transport), ['rsync']);
  });

  for (const flag of [{ natBlocked: true }, { forceRelayMode: true }]) {
    it(`${JSON.stringify(flag)}: skips p2p and rsync without contacting them, then base64 (RingRift relay mode)`, async () => {
      const n = makeNode('relay', flag);
      const t = setup([n]);
      const r = await t.sync(n);
      assert.deepEqual(r.attempts.map((a) => [a.transport, a.result]), [['p2p', 'skipped'], ['rsync', 'skipped'], ['base64', 'ok']]);
      assert.match(r.attempts[0].error ?? '', /^(nat_blocked|force_relay_mode): the node accepts no direct connection, so p2p is skipped; relay mode tries base64, then http$/);
      assert.deepEqual([t.transports.p2p.probes, t.transports.rsync.probes], [[], []]);
      assert.equal(t.router.status().stats.escalationsToday, 0, 'skipped steps are no escalation');
      assert.equal(t.router.status().state.nodes.relay.upgradeRetryAt, undefined, 'base64 is the best it may use: no upgrade retry');
    });
  }

  it('a relay-mode node whose base64 fails goes on to http; when both fail it is disabled', async () => {
    const n = makeNode('relay', { natBlocked: true });
    const t = setup([n]);
    t.transports.base64.set('relay', 'push-fails');
    assert.deepEqual((await t.sync(n)).attempts.map((a) => [a.transport, a.result]), [['p2p', 'skipped'], ['rsync', 'skipped'], ['base64', 'failed'], ['http', 'ok']]);
    t.transports.http.set('relay', 'push-fails');
    t.clock.advance(3600_000);
    const r = await t.sync(n);
    assert.equal(r.disabled, true);
    assert.deepEqual(t.transports.rsync.probes, [], 'rsync never contacted');
  });

  it('skip_sync_receive: refused naming the field, nothing contacted, no failure recorded, never disabled, even when forced', async () => {
    const n = makeNode('coord', { skipSyncReceive: true });
    const t = setup([n]);
    for (const force of [undefined, 'rsync'] as const) {
      const r = await t.sync(n, force);
      assert.deepEqual([r.success, r.disabled, r.attempts], [false, false, []]);
      assert.match(r.message, /^not synced: skip_sync_receive is true: this node never receives syncs/);
    }
    assert.deepEqual([t.transports.p2p.probes, t.transports.rsync.probes, t.transports.rsync.pushes], [[], [], []]);
    assert.equal(t.router.status().state.nodes.coord, undefined, 'no state written: not a failure');
    assert.deepEqual(t.seen, []);
  });

  it('syncMany (sync --all) refuses the skip_sync_receive node alone and syncs the others', async () => {
    const nodes = [makeNode('a'), makeNode('coord', { skipSyncReceive: true }), makeNode('b')];
    const t = setup(nodes);
    const rs = await t.router.syncMany(nodes, job, { signal: new AbortController().signal });
    assert.deepEqual(rs.map((r) => [r.node, r.success, r.transportUsed]), [['a', true, 'p2p'], ['coord', false, null], ['b', true, 'p2p']]);
    assert.match(rs[1].message, /skip_sync_receive/);
  });

  it('firstTransports: the transport each sync would try first, as sync plans it; none for a node it would not sync', async () => {
    const [chain, noP2p, held, dead] = [makeNode('chain'), makeNode('ssh-only', { transports: ['rsync', 'base64'] }), makeNode('held', { status: 'maintenance', ready: false }), makeNode('dead')];
    const t = setup([chain, noP2p, held, dead]);
    for (const tr of Object.values(t.transports)) tr.set('dead', 'probe-fails');
    await t.sync(dead);
    const first = (force?: TransportKind) => Object.fromEntries(t.router.firstTransports([chain, noP2p, held, dead], force));
    assert.deepEqual(first(), { chain: 'p2p', 'ssh-only': 'rsync' });
    assert.deepEqual(first('rsync'), { chain: 'rsync', 'ssh-only': 'rsync', held: 'rsync', dead: 'rsync' });
    await preferTransport(t.deps, chain, 'rsync');
    assert.equal(first().chain, 'rsync', 'a preferred transport goes first');
  });

  it('does not sync a node whose status is not ready, and says why', async () => {
    const n = makeNode('m', { status: 'maintenance', ready: false });
    const t = setup([n]);
    const r = await t.sync(n);
    assert.equal(r.success, false);
    assert.match(r.message, /status is 'maintenance'/);
    assert.deepEqual(t.transports.p2p.probes, []);
  });

  for (const status of ['archived', 'retired']) {
    it(`does not sync a node whose status is ${status} (RingRift: inactive), without recording a failure`, async () => {
      const n = makeNode('old', { status, ready: false });
      const t = setup([n]);
      const r = await t.sync(n);
      assert.deepEqual([r.success, r.disabled, r.attempts], [false, false, []]);
      assert.match(r.message, new RegExp(`status is '${status}'`));
      assert.equal(t.router.status().state.nodes.old, undefined);
    });
  }

  it('skips a transport whose probe failed moments ago, recording the earlier error', async () => {
    const n = makeNode('a');
    const t = setup([n], { upgradeBackoffMinMs: 0 });
    t.transports.p2p.set('a', 'probe-fails');
    await t.sync(n); // p2p fails, rsync... http succeeds
    t.clock.advance(10_000);
    const r = await t.sync(n);
    assert.equal(r.attempts[0].result, 'skipped');
    assert.match(r.attempts[0].error ?? '', /probe failed 10 s ago: p2p: refused/);
    assert.equal(t.transports.p2p.probes.length, 1, 'the failed transport is not probed again');
  });

  it('moves back up to the better transport after the backoff, not before', async () => {
    const n = makeNode('a');
    const t = setup([n], { upgradeBackoffMinMs: 60_000, recentFailureSkipMs: 5_000 });
    t.transports.p2p.set('a', 'probe-fails');
    t.transports.http.set('a', 'probe-fails');
    assert.equal((await t.sync(n)).transportUsed, 'rsync');

    t.clock.advance(30_000);
    t.transports.p2p.set('a', 'ok'); // the agent came back, but the backoff has not elapsed
    const early = await t.sync(n);
    assert.equal(early.transportUsed, 'rsync');
    assert.match(early.attempts[0].error ?? '', /better transports are retried after/);

    t.clock.advance(31_000);
    const later = await t.sync(n);
    assert.equal(later.transportUsed, 'p2p');
    assert.equal(t.router.status().state.nodes.a.upgradeRetryAt, undefined);
  });

  it('doubles the upgrade backoff while the better transports stay down', async () => {
    const n = makeNode('a');
    const t = setup([n], { upgradeBackoffMinMs: 1_000, upgradeBackoffMaxMs: 3_000, recentFailureSkipMs: 0 });
    t.transports.p2p.set('a', 'probe-fails');
    t.transports.http.set('a', 'probe-fails');
    await t.sync(n);
    const backoffs: number[] = [];
    for (let i = 0; i < 3; i++) {
      t.clock.advance(5_000);
      await t.sync(n);
      backoffs.push(t.router.status().state.nodes.a.upgradeBackoffMs ?? 0);
    }
    assert.deepEqual(backoffs, [2_000, 3_000, 3_000]);
  });

  it('prefers the preferred transport, and refuses one the node does not have', async () => {
    const n = makeNode('a', { transports: ['p2p', 'rsync'] });
    const t = setup([n]);
    const set = await preferTransport(t.deps, n, 'ssh');
    assert.ok(set.ok);
    const r = await t.sync(n);
    assert.equal(r.transportUsed, 'rsync');
    assert.deepEqual(r.attempts.map((a) => a.transport), ['rsync']);
    const bad = await preferTransport(t.deps, n, 'base64');
    assert.ok(!bad.ok && bad.code === 'not_in_chain' && /has no base64 transport/.test(bad.message));
    const typo = await preferTransport(t.deps, n, 'rsnyc');
    assert.ok(!typo.ok && typo.code === 'unknown_transport');
    assert.ok(t.seen.some((e) => e.type === 'PREFERRED_TRANSPORT_SET' && e.transport === 'rsync'));
  });

  it('re-enable and reset clear what they should and emit their events', async () => {
    const n = makeNode('a');
    const t = setup([n]);
    for (const tr of Object.values(t.transports)) tr.set('a', 'probe-fails');
    await t.sync(n);
    const re = await reenableNode(t.deps, n);
    assert.equal(re.changed, true);
    let ns = t.router.status().state.nodes.a;
    assert.equal(ns.enabled, true);
    assert.deepEqual(ns.failedTransports, []);
    assert.equal(ns.transports.p2p?.consecutiveFailures, 1, 're-enable keeps the counters');
    await resetNode(t.deps, n);
    ns = t.router.status().state.nodes.a;
    assert.equal(ns.transports.p2p?.consecutiveFailures, 0);
    assert.deepEqual(ns.transports.p2p?.failureTimes, []);
    assert.deepEqual(t.seen.slice(-2).map((e) => e.type), ['NODE_REENABLED', 'TRANSPORT_FAILURES_RESET']);
    for (const tr of Object.values(t.transports)) tr.set('a', 'ok');
    assert.equal((await t.sync(n)).transportUsed, 'p2p');
  });

  it('keeps a history ring of the last 200 attempts, newest first from history()', async () => {
    const n = makeNode('a');
    const t = setup([n], { recentFailureSkipMs: 0, upgradeBackoffMinMs: 0 });
    t.transports.p2p.set('a', 'push-fails');
    for (let i = 0; i < 110; i++) {
      t.clock.advance(1000);
      await t.sync(n);
    }
    const all = t.router.history(n, 1000);
    assert.equal(all.length, 200);
    assert.equal(all[0].transport, 'http');
    assert.equal(all[1].transport, 'p2p');
    assert.equal(all[1].error, 'p2p: connection dropped');
    assert.equal(t.router.history(n, 5).length, 5);
  });

  it('writes every event as one JSON line to events.jsonl', async () => {
    const n = makeNode('a');
    const t = setup([n]);
    t.transports.p2p.set('a', 'probe-fails');
    await t.sync(n);
    const lines = fs.readFileSync(path.join(t.dir, 'events.jsonl'), 'utf8').trim().split('\n');
    const parsed = lines.map((l) => JSON.parse(l));
    assert.deepEqual(parsed.map((e) => e.type), ['SYNC_STALLED', 'SYNC_RETRY_REQUESTED', 'SYNC_COMPLETED']);
    for (const e of parsed) {
      assert.equal(e.node, 'a');
      assert.ok(!Number.isNaN(Date.parse(e.time)));
    }
  });
});

describe('SyncRouter: large files and measured rates', () => {
  const MBIT = 1e6 / 8;
  /** A file of `size` bytes on disk (sparse): the router stats it to know a large file. */
  const fileOf = (size: number) => {
    const f = path.join(tempDir(), 'model.pth');
    fs.writeFileSync(f, '');
    fs.truncateSync(f, size);
    return { localPath: f, remotePath: 'models/model.pth' };
  };
  /** `t` lands every push of `size` at `mbit` Mbit/s over `streams`. */
  const lands = (t: ScriptedTransport, size: number, mbit: number, streams: number) => {
    t.push = async () => ({ ok: true, transport: t.kind, bytes: size, bytesSent: size, sha256: 'ab'.repeat(32), durationMs: 1, remotePath: 'f', streams, rateBytesPerS: mbit * MBIT });
  };
  const big = RANGED_MIN_BYTES;

  function measuredSlowP2p() {
    const n = makeNode('a');
    const t = setup([n]);
    lands(t.transports.p2p, big, 4.9, 1);
    lands(t.transports.rsync, big, 41.2, 16);
    const signal = new AbortController().signal;
    const sync = (job: { localPath: string; remotePath: string }, forceTransport?: TransportKind) => t.router.sync(n, job, { signal, forceTransport });
    return { n, t, sync };
  }

  it('records a push that sent RANGED_MIN_BYTES or more with its rate and streams, forced ones too; not a smaller one', async () => {
    const { t, sync } = measuredSlowP2p();
    await sync(fileOf(big));
    await sync(fileOf(big), 'rsync');
    const rec = t.router.status().state.nodes.a.transports;
    assert.deepEqual(rec.p2p?.lastBigPush, { bytesPerS: 4.9 * MBIT, streams: 1, time: t.clock() });
    assert.deepEqual(rec.rsync?.lastBigPush, { bytesPerS: 41.2 * MBIT, streams: 16, time: t.clock() });
    lands(t.transports.http, big - 1, 1, 1);
    await sync(fileOf(big - 1), 'http');
    assert.equal(t.router.status().state.nodes.a.transports.http?.lastBigPush, undefined);
  });

  it('then sends a large file to rsync first and says why (sync --json: largeFileRoute), without rerouting small files', async () => {
    const { t, sync } = measuredSlowP2p();
    await sync(fileOf(big));
    await sync(fileOf(big), 'rsync');
    t.clock.advance(3600_000);
    const r = JSON.parse(JSON.stringify(await sync(fileOf(big)))) as Record<string, unknown>;
    assert.deepEqual((r.attempts as Array<{ transport: string }>).map((a) => a.transport), ['rsync']);
    const reason = 'large file: rsync measured 41.2 Mbit/s over 16 streams (2026-11-28) vs p2p 4.9 Mbit/s in one stream (2026-11-28)';
    assert.deepEqual(r.largeFileRoute, { first: 'rsync', reason });
    assert.equal(r.message, `synced via rsync (rsync went first: ${reason})`);
    const ns = t.router.status().state.nodes.a;
    assert.deepEqual([ns.lastWorkingTransport, ns.upgradeRetryAt, ns.lastSuccessAt], ['p2p', undefined, new Date(t.clock()).toISOString()]);
    const small = await sync(fileOf(1024));
    assert.deepEqual([small.transportUsed, small.largeFileRoute], ['p2p', undefined]);
    assert.ok(!('largeFileRoute' in JSON.parse(JSON.stringify(small))), 'absent from the JSON when the runbook order stood');
  });

  it('a failing rsync escalates on through p2p in runbook order', async () => {
    const { t, sync } = measuredSlowP2p();
    await sync(fileOf(big));
    await sync(fileOf(big), 'rsync');
    t.transports.rsync.push = async () => ({ ok: false, transport: 'rsync', code: 'disconnected', message: 'rsync: connection dropped', durationMs: 1 });
    t.clock.advance(3600_000);
    const r = await sync(fileOf(big));
    assert.deepEqual(r.attempts.map((a) => [a.transport, a.result]), [['rsync', 'failed'], ['p2p', 'ok']]);
    assert.equal(r.largeFileRoute?.first, 'rsync');
    assert.match(r.message, /^synced via p2p \(rsync went first: large file: /);
  });
});

