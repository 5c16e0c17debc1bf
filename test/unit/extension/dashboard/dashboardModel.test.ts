import { strict as assert } from 'node:assert';
import { DEFAULT_ROUTER_SETTINGS, type RouterEvent } from '../../../../src/core/router';
import { buildDashboard, buildTimeline } from '../../../../src/extension/dashboard/dashboardModel';
import { makeNode } from '../tree/nodeFixture';
import { NOW, StateBuilder } from '../tree/stateFixture';

const HOUR = 3_600_000;
const nodes = [makeNode({ name: 'a' }), makeNode({ name: 'b', transports: ['rsync', 'base64'] }), makeNode({ name: 'c' })];
const inputs = (state = new StateBuilder().state, events?: RouterEvent[]) => ({ hostsFile: '/h.yaml', nodes, state, now: NOW, thresholds: DEFAULT_ROUTER_SETTINGS.alertThresholds, events });

describe('dashboard model', () => {
  it('has one matrix row per node and one column per transport, absent where the chain lacks it', () => {
    const s = new StateBuilder().probe('a', 'p2p', true, { latencyMs: 4 }).probe('a', 'http', false, { message: 'refused' }).disable('c').state;
    const m = buildDashboard(inputs(s));
    assert.deepEqual(m.transports, ['p2p', 'http', 'rsync', 'base64']);
    assert.deepEqual(m.rows.map((r) => `${r.node}:${r.health}:${r.cells.map((c) => c.state).join(',')}`), [
      'a:degraded:ok,failed,untested,untested',
      'b:untested:absent,absent,untested,untested',
      'c:disabled:untested,untested,untested,untested',
    ]);
    assert.equal(m.rows[0].cells[1].text, 'failed: refused');
    assert.deepEqual([m.nodeCount, m.disabledCount], [3, 1]);
  });

  it('puts failures, escalations, disables and successful syncs of the last 24 h into hourly buckets', () => {
    const s = new StateBuilder()
      .syncFailure('a', 'p2p', 'x', 10 * 60_000)
      .probe('a', 'http', false, { ago: 2 * HOUR })
      .syncOk('a', 'rsync', 5 * 60_000)
      .escalation(5 * 60_000)
      .escalation(30 * HOUR) // older than 24 h: not shown
      .state;
    const events: RouterEvent[] = [{ type: 'NODE_DISABLED', time: new Date(NOW - 3 * HOUR).toISOString(), node: 'c' }];
    const t = buildTimeline(inputs(s, events));
    assert.equal(t.length, 24);
    assert.equal(t.at(-1)!.start, Math.floor(NOW / HOUR) * HOUR, 'the last bucket is the current hour');
    const last = t.at(-1)!;
    assert.deepEqual([last.failures, last.syncs, last.escalations], [1, 1, 1]);
    assert.equal(t.at(-3)!.failures, 1, 'the probe two hours ago');
    assert.equal(t.at(-4)!.disables, 1, 'from the events, which remember re-enabled nodes too');
    assert.equal(t.reduce((n, b) => n + b.escalations, 0), 1);
  });

  it('measures the three alert metrics against their thresholds', () => {
    const b = new StateBuilder().disable('c');
    for (let i = 0; i < 6; i++) b.syncFailure('a', 'p2p', 'x', (i + 1) * 60_000);
    for (let i = 0; i < 3; i++) b.escalation((i + 1) * 60_000);
    const m = buildDashboard(inputs(b.state));
    assert.deepEqual(
      m.metrics.map((x) => [x.metric, x.value, x.threshold, x.over, x.detail]),
      [
        ['transport_failures', 6, 5, true, 'a'],
        ['disabled_nodes', 33.3, 20, true, undefined],
        ['escalation_count', 3, 10, false, undefined],
      ],
    );
    assert.equal(m.alertCount, 2);
  });

  it('maps the latest fan-out from its SYNC_PULLED events: seeds, then who fed whom by wave', () => {
    const pulled = (run: string, node: string, source: string, wave: number): RouterEvent => ({ type: 'SYNC_PULLED', time: run, node, source, wave, bytes: 1, durationMs: 1500, run });
    const older = '2026-12-05T10:00:00.000Z';
    const latest = '2026-12-05T11:00:00.000Z';
    const events = [pulled(older, 'x', 'y', 2), pulled(latest, 'd', 'b', 3), pulled(latest, 'b', 'a', 2), pulled(latest, 'c', 'a', 2)];
    const m = buildDashboard(inputs(undefined, events)).lastFanout!;
    assert.equal(m.run, latest);
    assert.deepEqual(m.seeds, ['a'], 'a source that pulled nothing in the run got its copy from this machine');
    assert.deepEqual(m.edges.map((e) => `${e.wave}:${e.source}>${e.node}`), ['2:a>b', '2:a>c', '3:b>d']);
    assert.equal(buildDashboard(inputs(undefined, [])).lastFanout, undefined, 'no fan-out: no section');
  });
});
