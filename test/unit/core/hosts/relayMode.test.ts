import { strict as assert } from 'node:assert';
import { relayFlag, relaySkip, syncOrder } from '../../../../src/core/hosts/relayMode';
import { nodeSpec } from '../../helpers/nodeSpec';

describe('relayMode (RingRift cluster_transport.py: nat_blocked / force_relay_mode)', () => {
  it('names the field that sets relay mode, nat_blocked first', () => {
    assert.equal(relayFlag(nodeSpec()), undefined);
    assert.equal(relayFlag(nodeSpec({ forceRelayMode: true })), 'force_relay_mode');
    assert.equal(relayFlag(nodeSpec({ natBlocked: true, forceRelayMode: true })), 'nat_blocked');
  });

  it('skips exactly the direct transports, p2p and rsync', () => {
    const node = nodeSpec({ natBlocked: true });
    assert.deepEqual(['p2p', 'http', 'rsync', 'base64'].map((t) => relaySkip(node, t as never) !== undefined), [true, false, true, false]);
    assert.equal(relaySkip(nodeSpec(), 'p2p'), undefined);
  });

  it('orders the chain: direct steps first (they are skipped), then base64, then http; nothing added or lost', () => {
    assert.deepEqual(syncOrder(nodeSpec({ forceRelayMode: true })), ['p2p', 'rsync', 'base64', 'http']);
    assert.deepEqual(syncOrder(nodeSpec({ natBlocked: true, transports: ['rsync', 'base64'] })), ['rsync', 'base64']);
    assert.deepEqual(syncOrder(nodeSpec({ transports: ['http', 'base64'] })), ['http', 'base64'], 'no relay flag: as written');
  });
});
