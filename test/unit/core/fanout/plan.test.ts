import { strict as assert } from 'node:assert';
import { askKind, canServe, capacity, failuresOf, hasRoom, pickSource, pullOrder, seedCandidates, SOURCE_FAILURE_LIMIT, type Holder } from '../../../../src/core/fanout/plan';
import { makeNode } from '../../helpers/scriptedTransports';

const holder = (name: string, over: Partial<Holder> = {}): Holder => ({ name, wave: 1, active: 0, prior: 0, failures: 0, served: 0, dead: false, ...over });
const healthy = () => ({ enabled: true, failures: 0 });

describe('fan-out plan', () => {
  it('a nat_blocked or force_relay_mode node never serves; without p2p or an address neither', () => {
    assert.equal(canServe(makeNode('a')), true);
    assert.equal(canServe(makeNode('nat', { natBlocked: true })), false);
    assert.equal(canServe(makeNode('relay', { forceRelayMode: true })), false);
    assert.equal(canServe(makeNode('off', { p2pEnabled: false })), false);
    assert.equal(canServe(makeNode('noaddr', { address: undefined })), false);
  });

  it('a relay-mode node is asked to pull over http (its public port), or not at all without one', () => {
    assert.equal(askKind(makeNode('a')), 'p2p');
    assert.equal(askKind(makeNode('nat', { natBlocked: true })), 'http');
    assert.equal(askKind(makeNode('nat', { natBlocked: true, httpPort: undefined })), undefined);
    assert.equal(askKind(makeNode('off', { p2pEnabled: false, httpPort: undefined })), undefined);
  });

  it('a peer with failures serves fewer, but at least one while it serves at all', () => {
    assert.deepEqual([capacity(3, 0), capacity(3, 1), capacity(2, 1), capacity(1, 1), capacity(3, 5)], [3, 2, 1, 1, 1]);
  });

  it("the router's record counts once; failures during the fan-out count net of the pulls the peer served", () => {
    assert.equal(failuresOf(holder('a', { prior: 4 })), 1);
    assert.equal(failuresOf(holder('a', { prior: 1, failures: 2, served: 1 })), 2);
    assert.equal(failuresOf(holder('a', { failures: 1, served: 3 })), 0);
    assert.equal(hasRoom(holder('a', { failures: SOURCE_FAILURE_LIMIT }), 2), false, 'at the limit it serves none');
    assert.equal(hasRoom(holder('a', { failures: SOURCE_FAILURE_LIMIT, served: 1 }), 2), true, 'served since: it recovers');
    assert.equal(hasRoom(holder('a', { prior: 9 }), 2), true, 'a bad record alone never stops it');
    assert.equal(hasRoom(holder('a', { dead: true }), 2), false);
  });

  it('seeds: nodes that can serve, enabled, fewest p2p failures first, then file order', () => {
    const nodes = [makeNode('flaky'), makeNode('nat', { natBlocked: true }), makeNode('off'), makeNode('good'), makeNode('good2')];
    const health = (n: string) => ({ enabled: n !== 'off', failures: n === 'flaky' ? 2 : 0 });
    assert.deepEqual(seedCandidates(nodes, health).map((n) => n.name), ['good', 'good2', 'flaky']);
    assert.deepEqual(seedCandidates([makeNode('nat', { natBlocked: true })], healthy), []);
  });

  it('no source takes more than K at once; the least loaded takes the next puller', () => {
    const hs = [holder('a', { active: 2 }), holder('b', { active: 1 })];
    assert.equal(pickSource(hs, new Set(), 2)?.name, 'b');
    hs[1].active = 2;
    assert.equal(pickSource(hs, new Set(), 2), undefined);
  });

  it('a source with a failure serves fewer: at K=2 it is full with one puller', () => {
    const hs = [holder('flaky', { failures: 1, active: 1 }), holder('ok', { active: 1 })];
    assert.equal(pickSource(hs, new Set(), 2)?.name, 'ok');
    assert.equal(pickSource([hs[0]], new Set(), 2), undefined);
    assert.equal(pickSource([holder('recorded', { prior: 3, active: 1 })], new Set(), 2), undefined, "the router's failures too");
  });

  it('a dead source and one the puller already tried are not chosen; among equals the earlier wave wins', () => {
    const hs = [holder('dead', { dead: true }), holder('tried'), holder('late', { wave: 3 }), holder('early', { wave: 2 })];
    assert.equal(pickSource(hs, new Set(['tried']), 2)?.name, 'early');
  });

  it('pullers that will serve in turn go first, relay-mode ones last', () => {
    const order = pullOrder([makeNode('nat', { natBlocked: true }), makeNode('a'), makeNode('relay', { forceRelayMode: true }), makeNode('b')]);
    assert.deepEqual(order.map((n) => n.name), ['a', 'b', 'nat', 'relay']);
  });
});
