import { strict as assert } from 'node:assert';
import { computeAlerts, computeStats } from '../../../../src/core/router/clusterHealth';
import { DEFAULT_ROUTER_SETTINGS } from '../../../../src/core/router/routerSettings';
import { emptyState, nodeState, recordFailure } from '../../../../src/core/router/routerState';
import { makeNode } from '../../helpers/scriptedTransports';

const now = Date.parse('2026-11-28T12:00:00');
const thresholds = DEFAULT_ROUTER_SETTINGS.alertThresholds;
const nodes = Array.from({ length: 10 }, (_, i) => makeNode(`n${i}`));

describe('cluster stats and alerts', () => {
  it('counts nodes, disabled nodes, last working transports and today\'s escalations', () => {
    const s = emptyState();
    nodeState(s, 'n0').lastWorkingTransport = 'p2p';
    nodeState(s, 'n1').lastWorkingTransport = 'p2p';
    nodeState(s, 'n2').lastWorkingTransport = 'base64';
    nodeState(s, 'n3').enabled = false;
    nodeState(s, 'gone').enabled = false; // not in the hosts file any more: not counted
    s.escalations = [now - 60_000, now - 2 * 3600_000, now - 30 * 3600_000];
    const stats = computeStats(nodes, s, now);
    assert.equal(stats.nodeCount, 10);
    assert.equal(stats.disabledNodeCount, 1);
    assert.deepEqual(stats.activeTransports, { p2p: 2, base64: 1 });
    assert.equal(stats.escalationsToday, 2);
    assert.equal(stats.escalationsLastHour, 1);
  });

  it('transport_failures: alerts above 5 failures of one node in the last hour, not at 5', () => {
    const s = emptyState();
    const ns = nodeState(s, 'n0');
    for (let i = 0; i < 5; i++) recordFailure(ns, 'p2p', 'x', now - i * 1000);
    recordFailure(ns, 'rsync', 'old', now - 2 * 3600_000); // outside the hour
    assert.deepEqual(computeAlerts(nodes, s, now, thresholds), []);
    recordFailure(ns, 'rsync', 'x', now);
    const alerts = computeAlerts(nodes, s, now, thresholds);
    assert.deepEqual(alerts.map((a) => [a.metric, a.node, a.value, a.threshold]), [['transport_failures', 'n0', 6, 5]]);
  });

  it('disabled_nodes: alerts above 20% of the cluster, not at 20%', () => {
    const s = emptyState();
    nodeState(s, 'n0').enabled = false;
    nodeState(s, 'n1').enabled = false;
    assert.deepEqual(computeAlerts(nodes, s, now, thresholds), []);
    nodeState(s, 'n2').enabled = false;
    const alerts = computeAlerts(nodes, s, now, thresholds);
    assert.deepEqual(alerts.map((a) => [a.metric, a.node, a.value, a.threshold]), [['disabled_nodes', null, 30, 20]]);
    assert.match(alerts[0].message, /3 of 10 nodes disabled/);
  });

  it('escalation_count: alerts above 10 escalations in the last hour', () => {
    const s = emptyState();
    s.escalations = Array.from({ length: 10 }, (_, i) => now - i * 60_000);
    assert.deepEqual(computeAlerts(nodes, s, now, thresholds), []);
    s.escalations.push(now);
    assert.deepEqual(computeAlerts(nodes, s, now, thresholds).map((a) => [a.metric, a.value]), [['escalation_count', 11]]);
  });

  it('takes thresholds from settings', () => {
    const s = emptyState();
    nodeState(s, 'n0').enabled = false;
    const alerts = computeAlerts(nodes, s, now, { ...thresholds, disabledNodesPercent: 5 });
    assert.deepEqual(alerts.map((a) => a.metric), ['disabled_nodes']);
  });
});
