import { strict as assert } from 'node:assert';
import type { NodeSpec } from '../../../../src/core/hosts/nodeSpec';
import { planEscalation } from '../../../../src/core/router/escalationPlan';
import type { NodeState } from '../../../../src/core/router/routerState';
import { DEFAULT_ROUTER_SETTINGS } from '../../../../src/core/router/routerSettings';
import { nodeSpec } from '../../helpers/nodeSpec';

const NOW = 1_700_000_000_000;
const plan = (node: NodeSpec, ns?: Partial<NodeState>) =>
  planEscalation(node, ns && { enabled: true, failedTransports: [], transports: {}, history: [], ...ns }, DEFAULT_ROUTER_SETTINGS, NOW).steps;
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
