import { strict as assert } from 'node:assert';
import { emptyState } from '../../../../src/core/router';
import { isProblem, nodeView } from '../../../../src/extension/cluster/nodeView';
import { makeNode } from '../tree/nodeFixture';
import { NOW, StateBuilder } from '../tree/stateFixture';

const node = makeNode({ name: 'n' });

describe('nodeView', () => {
  it('is untested before anything was probed or synced', () => {
    const v = nodeView(node, emptyState(), NOW);
    assert.equal(v.health, 'untested');
    assert.deepEqual(v.transports.map((t) => t.health), ['untested', 'untested', 'untested', 'untested']);
    assert.equal(isProblem(v), false);
  });

  it('is healthy when the first transport works and nothing fails, with its latency', () => {
    const v = nodeView(node, new StateBuilder().probe('n', 'p2p', true, { latencyMs: 7 }).probe('n', 'rsync', true).state, NOW);
    assert.equal(v.health, 'healthy');
    assert.deepEqual({ kind: v.working?.kind, latency: v.working?.latencyMs }, { kind: 'p2p', latency: 7 });
  });

  it('is degraded when it works on a later transport, and unreachable when none works', () => {
    const degraded = nodeView(node, new StateBuilder().probe('n', 'p2p', false).probe('n', 'rsync', true, { latencyMs: 30 }).state, NOW);
    assert.equal(degraded.health, 'degraded');
    assert.equal(degraded.working?.kind, 'rsync');
    assert.equal(isProblem(degraded), true);
    const dead = nodeView(node, new StateBuilder().probe('n', 'p2p', false, { message: 'port 8770 refused' }).state, NOW);
    assert.equal(dead.health, 'unreachable');
    assert.equal(dead.transports[0].error, 'port 8770 refused');
  });

  it('is disabled when the router disabled it, whatever its probes say', () => {
    const v = nodeView(node, new StateBuilder().probe('n', 'p2p', true).disable('n').state, NOW);
    assert.equal(v.health, 'disabled');
    assert.deepEqual(v.disabled?.failedTransports, ['p2p', 'rsync']);
  });

  it('is not_ready for a node whose status is not ready, even when it answers', () => {
    const v = nodeView(makeNode({ name: 'n', status: 'maintenance', ready: false }), new StateBuilder().probe('n', 'p2p', true).state, NOW);
    assert.equal(v.health, 'not_ready');
  });

  it('takes the newer of the last probe and the last sync failure', () => {
    const probeNewer = nodeView(node, new StateBuilder().syncFailure('n', 'p2p', 'reset by peer', 5000).probe('n', 'p2p', true, { ago: 100 }).state, NOW);
    assert.equal(probeNewer.transports[0].health, 'ok');
    const failureNewer = nodeView(node, new StateBuilder().probe('n', 'p2p', true, { ago: 5000 }).syncFailure('n', 'p2p', 'reset by peer', 100).state, NOW);
    assert.deepEqual([failureNewer.transports[0].health, failureNewer.transports[0].error], ['failed', 'reset by peer']);
  });

  it('carries what answered on the port from the last probe', () => {
    const v = nodeView(node, new StateBuilder().probe('n', 'p2p', true, { service: 'ringrift_orchestrator' }).state, NOW);
    assert.equal(v.transports[0].service, 'ringrift_orchestrator');
  });

  it('counts a transport that last synced fine as working, without a latency', () => {
    const v = nodeView(node, new StateBuilder().syncOk('n', 'rsync').state, NOW);
    assert.deepEqual([v.working?.kind, v.working?.latencyMs], ['rsync', undefined]);
  });

  it('puts the preferred transport first when choosing the working one', () => {
    const v = nodeView(node, new StateBuilder().probe('n', 'p2p', true).probe('n', 'rsync', true).prefer('n', 'rsync').state, NOW);
    assert.equal(v.working?.kind, 'rsync');
    assert.equal(v.transports.find((t) => t.kind === 'rsync')?.preferred, true);
  });

  it('relay mode: lists transports in sync order, p2p and rsync skipped (not a problem), base64 first', () => {
    for (const flag of [{ natBlocked: true }, { forceRelayMode: true }]) {
      const v = nodeView(makeNode({ name: 'n', ...flag }), new StateBuilder().probe('n', 'base64', true).state, NOW);
      assert.deepEqual(v.transports.map((t) => [t.kind, t.health]), [['p2p', 'relay_skipped'], ['rsync', 'relay_skipped'], ['base64', 'ok'], ['http', 'untested']]);
      assert.deepEqual([v.health, v.working?.kind, isProblem(v)], ['healthy', 'base64', false]);
    }
  });

  it('relay mode: a transport syncs skip is never the working one, even when a test reached it', () => {
    const s = new StateBuilder().probe('n', 'p2p', true).probe('n', 'http', true).state;
    const v = nodeView(makeNode({ name: 'n', natBlocked: true }), s, NOW);
    assert.deepEqual([v.working?.kind, v.health], ['http', 'degraded'], 'base64 comes first and is untested');
  });

  it('a skip_sync_receive node is still tested and shown by its connectivity', () => {
    const v = nodeView(makeNode({ name: 'n', skipSyncReceive: true }), new StateBuilder().probe('n', 'p2p', true).state, NOW);
    assert.equal(v.health, 'healthy');
  });

  it('shows tests in flight and their results before the router records them', () => {
    const live = new Map([
      ['p2p', { status: 'done' as const, row: { node: 'n', transport: 'p2p' as const, success: false, message: 'timeout', latencyMs: 8000, code: 'timeout' } }],
      ['http', { status: 'testing' as const }],
    ]) as Map<'p2p' | 'http', never>;
    const v = nodeView(node, emptyState(), NOW, live);
    assert.equal(v.health, 'testing');
    assert.deepEqual(v.transports.map((t) => t.health), ['failed', 'testing', 'untested', 'untested']);
  });

  it('flags a changed host key so the menu can offer its removal', () => {
    const v = nodeView(node, new StateBuilder().probe('n', 'base64', false, { code: 'host_key_changed' }).state, NOW);
    assert.equal(v.hostKeyChanged, true);
    assert.equal(isProblem(v), true);
  });
});
