import { strict as assert } from 'node:assert';
import { RANGED_MIN_BYTES } from '../../../../src/core/byteRanges';
import type { NodeSpec, TransportKind } from '../../../../src/core/hosts/nodeSpec';
import { planEscalation } from '../../../../src/core/router/escalationPlan';
import type { BigPushRate, NodeState } from '../../../../src/core/router/routerState';
import { DEFAULT_ROUTER_SETTINGS } from '../../../../src/core/router/routerSettings';
import { nodeSpec } from '../../helpers/nodeSpec';

const NOW = 1_700_000_000_000;
const plan = (node: NodeSpec, ns?: Partial<NodeState>) =>
  planEscalation(node, ns && { enabled: true, failedTransports: [], transports: {}, history: [], ...ns }, DEFAULT_ROUTER_SETTINGS, NOW, 0).steps;
const order = (steps: ReturnType<typeof plan>) => steps.map((s) => (s.skip ? `(${s.transport})` : s.transport));

describe('planEscalation', () => {
  it('a node without relay flags walks its chain as written', () => {
    assert.deepEqual(order(plan(nodeSpec())), ['p2p', 'http', 'rsync', 'base64']);
  });

  it('nat_blocked and force_relay_mode: p2p and rsync skipped naming the field, then base64, then http', () => {
    for (const [over, flag] of [[{ natBlocked: true }, 'nat_blocked'], [{ forceRelayMode: true }, 'force_relay_mode']] as const) {
      const steps = plan(nodeSpec(over));
      assert.deepEqual(order(steps), ['(p2p)', '(rsync)', 'base64', 'http']);
      for (const s of steps.slice(0, 2)) assert.ok(s.skip?.startsWith(`${flag}: the node accepts no direct connection`), s.skip);
    }
  });

  it("relay order wins over a host's own priorities (RingRift always tries base64 first)", () => {
    const steps = plan(nodeSpec({ natBlocked: true, transports: ['http', 'base64', 'p2p'], chainSource: 'host' }));
    assert.deepEqual(order(steps), ['(p2p)', 'base64', 'http']);
  });

  it('the real shape: a nat_blocked GH200 without p2p_public_port has only base64 to try', () => {
    assert.deepEqual(order(plan(nodeSpec({ natBlocked: true, forceRelayMode: true, httpPort: undefined, transports: ['p2p', 'rsync', 'base64'] }))), ['(p2p)', '(rsync)', 'base64']);
  });

  it('a preferred relay transport goes first; a preferred direct one goes first but stays skipped', () => {
    assert.deepEqual(order(plan(nodeSpec({ natBlocked: true }), { preferredTransport: 'http' })), ['http', '(p2p)', '(rsync)', 'base64']);
    assert.deepEqual(order(plan(nodeSpec({ natBlocked: true }), { preferredTransport: 'rsync' })), ['(rsync)', '(p2p)', 'base64', 'http']);
  });

  it('a relay node working on http before its upgrade retry is due skips base64 with that reason', () => {
    const steps = plan(nodeSpec({ forceRelayMode: true }), { lastWorkingTransport: 'http', upgradeRetryAt: NOW + 60_000 });
    assert.deepEqual(order(steps), ['(p2p)', '(rsync)', '(base64)', 'http']);
    assert.match(steps[2].skip ?? '', /^node works on http; better transports are retried after /);
    assert.match(steps[0].skip ?? '', /^force_relay_mode:/, 'the relay reason is kept, not overwritten');
  });
});

describe('planEscalation: large files over SSH first where p2p takes one stream', () => {
  const MBIT = 1e6 / 8;
  const DAY = 24 * 3600_000;
  /** Rates in Mbit/s; a tuple is [Mbit/s, streams, age in ms]. */
  type Rate = readonly [number, number, number?];
  const measured = (rates: Partial<Record<TransportKind, Rate>>): Partial<NodeState> => ({
    transports: Object.fromEntries(
      Object.entries(rates).map(([t, [mbit, streams, age]]) => [t, { consecutiveFailures: 0, failureTimes: [], lastBigPush: { bytesPerS: mbit * MBIT, streams, time: NOW - (age ?? DAY) } satisfies BigPushRate }]),
    ),
  });
  const slowP2p = { p2p: [4.9, 1], rsync: [41.2, 16] } satisfies Partial<Record<TransportKind, Rate>>;
  const full = (ns: Partial<NodeState>, size = RANGED_MIN_BYTES, node = nodeSpec(), force?: TransportKind) =>
    planEscalation(node, { enabled: true, failedTransports: [], transports: {}, history: [], ...ns }, DEFAULT_ROUTER_SETTINGS, NOW, size, force);
  const orderOf = (ns: Partial<NodeState>, size?: number, node?: NodeSpec) => order(full(ns, size, node).steps);

  it('moves rsync first when p2p measured one stream and rsync at least twice that over several; the rest keep runbook order', () => {
    const p = full(measured(slowP2p));
    assert.deepEqual(order(p.steps), ['rsync', 'p2p', 'http', 'base64']);
    assert.deepEqual(p.largeFileRoute, {
      first: 'rsync',
      reason: 'large file: rsync measured 41.2 Mbit/s over 16 streams (2023-11-13) vs p2p 4.9 Mbit/s in one stream (2023-11-13)',
    });
  });

  it('compares with http when p2p is skipped, and may pick base64 when rsync does not qualify', () => {
    const ns = measured({ p2p: [1, 1], http: [5, 1], rsync: [40, 1], base64: [30, 8] });
    ns.transports!.p2p!.lastProbe = { time: NOW - 1000, success: false, message: 'refused', latencyMs: 1 };
    assert.deepEqual(orderOf(ns), ['base64', '(p2p)', 'http', 'rsync']);
    assert.match(full(ns).largeFileRoute?.reason ?? '', /^large file: base64 measured 30\.0 Mbit\/s over 8 streams .* vs http 5\.0 Mbit\/s in one stream/);
  });

  it('twice as fast is enough', () => {
    assert.deepEqual(orderOf(measured({ p2p: [5, 1], rsync: [10, 2] })), ['rsync', 'p2p', 'http', 'base64']);
  });

  it('keeps the runbook order for a file under RANGED_MIN_BYTES', () => {
    assert.deepEqual(orderOf(measured(slowP2p), RANGED_MIN_BYTES - 1), ['p2p', 'http', 'rsync', 'base64']);
    assert.equal(full(measured(slowP2p), RANGED_MIN_BYTES - 1).largeFileRoute, undefined);
  });

  it('keeps it when p2p was ranged, or the SSH rung was not, or is less than twice as fast', () => {
    for (const rates of [{ p2p: [4.9, 4], rsync: [41.2, 16] }, { p2p: [4.9, 1], rsync: [41.2, 1] }, { p2p: [21, 1], rsync: [41.2, 16] }] as const) {
      assert.deepEqual(orderOf(measured(rates)), ['p2p', 'http', 'rsync', 'base64'], JSON.stringify(rates));
    }
  });

  it('keeps it when either measurement is over 7 days old, or one is missing', () => {
    const old = 7 * DAY + 1;
    for (const rates of [{ p2p: [4.9, 1, old], rsync: [41.2, 16] }, { p2p: [4.9, 1], rsync: [41.2, 16, old] }, { p2p: [4.9, 1] }, { rsync: [41.2, 16] }] as const) {
      assert.deepEqual(orderOf(measured(rates)), ['p2p', 'http', 'rsync', 'base64'], JSON.stringify(rates));
    }
  });

  it('an operator\'s prefer wins', () => {
    const p = full({ ...measured(slowP2p), preferredTransport: 'http' });
    assert.deepEqual(order(p.steps), ['http', 'p2p', 'rsync', 'base64']);
    assert.equal(p.largeFileRoute, undefined);
  });

  it('a forced transport wins', () => {
    const p = full(measured(slowP2p), RANGED_MIN_BYTES, nodeSpec(), 'p2p');
    assert.deepEqual(order(p.steps), ['p2p']);
    assert.equal(p.largeFileRoute, undefined);
  });

  it('a skipped SSH rung is not moved: relay mode, or a probe that just failed', () => {
    const relay = nodeSpec({ natBlocked: true });
    assert.deepEqual(orderOf(measured({ http: [5, 1], rsync: [41.2, 16] }), RANGED_MIN_BYTES, relay), ['(p2p)', '(rsync)', 'base64', 'http']);
    const probed = measured(slowP2p);
    probed.transports!.rsync!.lastProbe = { time: NOW - 1000, success: false, message: 'refused', latencyMs: 1 };
    assert.deepEqual(orderOf(probed), ['p2p', 'http', '(rsync)', 'base64']);
  });

  it('a due upgrade retry yields to it (and stays due); a node held on rsync by the backoff starts there anyway', () => {
    const due = full({ ...measured(slowP2p), lastWorkingTransport: 'base64', upgradeRetryAt: NOW - 1 });
    assert.deepEqual([order(due.steps), due.upgradeAttempt], [['rsync', 'p2p', 'http', 'base64'], false]);
    const held = full({ ...measured(slowP2p), lastWorkingTransport: 'rsync', upgradeRetryAt: NOW + 60_000 });
    assert.deepEqual(order(held.steps), ['(p2p)', '(http)', 'rsync', 'base64']);
    assert.equal(held.largeFileRoute, undefined);
  });

  it('ignores a measurement of a shape this version does not know (the state file is shared)', () => {
    const odd = measured(slowP2p);
    (odd.transports!.rsync!.lastBigPush as unknown as Record<string, unknown>).streams = '16';
    assert.deepEqual(orderOf(odd), ['p2p', 'http', 'rsync', 'base64']);
  });
});

