import { strict as assert } from 'node:assert';
import { HOST_SPEC } from '../../../../src/core/hosts';
import { flagRows, flagWords } from '../../../../src/extension/tree/hostFlags';
import { makeNode } from './nodeFixture';

describe('hostFlags', () => {
  it('no flag set: no words, no rows', () => {
    assert.deepEqual([flagWords(makeNode()), flagRows(makeNode())], [[], []]);
  });

  it('both relay flags say relay mode once; each set field gets its own row with its hover text', () => {
    const node = makeNode({ natBlocked: true, forceRelayMode: true, skipSyncReceive: true, isEphemeral: true });
    assert.deepEqual(flagWords(node), ['relay mode', 'receives no syncs', 'ephemeral']);
    assert.deepEqual(flagRows(node).map(([field]) => field), ['nat_blocked', 'force_relay_mode', 'skip_sync_receive', 'is_ephemeral']);
    assert.equal(flagRows(node)[2][1], HOST_SPEC.fields.skip_sync_receive.description);
  });
});
