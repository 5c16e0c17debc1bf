import { strict as assert } from 'node:assert';
import { DEFAULT_ROUTER_SETTINGS } from '../../../../src/core/router';
import { historyMarkdown, statsMarkdown } from '../../../../src/extension/docs/reports';
import { makeNode } from '../tree/nodeFixture';
import { NOW, StateBuilder } from '../tree/stateFixture';

describe('reports (history, stats)', () => {
  const node = makeNode({ name: 'n' });
  const state = new StateBuilder().probe('n', 'p2p', false, { message: 'a | b' }).syncOk('n', 'rsync').disable('n').state;

  it('lists a node\'s history as a table, newest first as given, one transport when asked', () => {
    const entries = [...state.nodes.n.history].reverse();
    const all = historyMarkdown(node, entries);
    assert.match(all, /^# n: transport history\n\n2 entries, newest first\./);
    assert.match(all, /\| probe \| p2p \| failed \|  \|  \| a \\\| b \|/);
    assert.doesNotMatch(historyMarkdown(node, entries, 'rsync'), /p2p/);
    assert.match(historyMarkdown(node, [], undefined), /No history yet/);
  });

  it('shows the bytes each sync try moved, and marks a cut try that was resumed (not counted as a failure)', () => {
    const time = new Date(NOW).toISOString();
    const text = historyMarkdown(node, [
      { time, kind: 'sync', transport: 'p2p', result: 'ok', bytesMoved: 4 << 20, durationMs: 90 },
      { time, kind: 'sync', transport: 'p2p', result: 'failed', bytesMoved: 16 << 20, resumed: true, durationMs: 800, error: 'connection reset' },
    ]);
    assert.match(text, /\| sync \| p2p \| ok \| 4\.0 MiB \| 90 \|  \|/);
    assert.match(text, /\| sync \| p2p \| failed \(resumed\) \| 16\.0 MiB \| 800 \| connection reset \|/);
  });

  it('gives stats, alerts with thresholds, and one row per node', () => {
    const text = statsMarkdown([node, makeNode({ name: 'm' })], state, NOW, DEFAULT_ROUTER_SETTINGS.alertThresholds, '/h.yaml');
    assert.match(text, /- nodes: 2\n- disabled: 1\n- working transports: rsync: 1/);
    assert.match(text, /- \*\*disabled_nodes\*\*: 1 of 2 nodes disabled \(50% > 20%\)/);
    assert.match(text, /\| n \| disabled: all transports exhausted \| rsync \|  \|/);
  });
});
