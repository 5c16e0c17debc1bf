import { strict as assert } from 'node:assert';
import type { ClusterSummary } from '../../../../src/extension/tree/summaryEntry';
import { statusBarView, summaryEntry, summaryText } from '../../../../src/extension/tree/summaryEntry';

const summary = (disabled: number, alerts: number): ClusterSummary => ({
  stats: { nodeCount: 10, disabledNodeCount: disabled, activeTransports: { p2p: 7, rsync: 2 }, escalationsToday: 3, escalationsLastHour: 1 },
  alerts: Array.from({ length: alerts }, (_, i) => ({ metric: 'disabled_nodes' as const, node: null, value: 30 + i, threshold: 20, message: `alert ${i}` })),
});

describe('summaryEntry and the status bar', () => {
  it('counts nodes, disabled nodes and alerts', () => {
    assert.equal(summaryText(summary(0, 0)), '10 nodes, 0 disabled, no alerts');
    assert.equal(summaryText(summary(3, 1)), '10 nodes, 3 disabled, 1 alert');
    assert.equal(summaryText(summary(3, 2)), '10 nodes, 3 disabled, 2 alerts');
  });

  it('is a row that opens the dashboard, listing alerts and working transports in its tooltip', () => {
    const e = summaryEntry(summary(3, 1));
    assert.equal(e.onClick, 'openDashboard');
    assert.equal(e.contextValue, 'summary');
    assert.equal(e.icon.id, 'bell-dot');
    assert.match(e.tooltip, /Working transports: p2p 7, rsync 2/);
    assert.match(e.tooltip, /- \$\(bell\) alert 0/);
  });

  it('status bar: disabled count and alert bell, warning background only when either is non-zero', () => {
    assert.deepEqual(statusBarView(summary(0, 0)), { text: '$(vm) 10', tooltip: 'RingRift Sync: 10 nodes, 0 disabled, no alerts\nClick to open the dashboard.', warning: false });
    const bad = statusBarView(summary(3, 1));
    assert.equal(bad.text, '$(vm) 10 $(circle-slash) 3 $(bell-dot) 1');
    assert.equal(bad.warning, true);
    assert.equal(statusBarView(undefined).warning, false);
  });
});
