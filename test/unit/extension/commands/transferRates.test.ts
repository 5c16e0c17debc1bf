import { strict as assert } from 'node:assert';
import { TransferRates } from '../../../../src/extension/commands/transferRates';

describe('TransferRates (the rate in a sync\'s progress)', () => {
  it('shows a node\'s rate once its transfer has run a second, from its first report', () => {
    const clock = { now: 0 };
    const rates = new TransferRates(() => clock.now);
    assert.equal(rates.text('a', 'p2p', 1 << 20), '', 'the first report starts the count');
    clock.now = 500;
    assert.equal(rates.text('a', 'p2p', 3 << 20), '', 'too soon: a burst is not the link');
    clock.now = 2000;
    assert.equal(rates.text('a', 'p2p', 9 << 20), ' 4.0 MiB/s', '8 MiB in 2 s');
    assert.equal(rates.text('b', 'p2p', 5), '', 'each node on its own');
  });

  it('starts again on an escalation or a restart from a lower offset', () => {
    const clock = { now: 0 };
    const rates = new TransferRates(() => clock.now);
    rates.text('a', 'p2p', 0);
    clock.now = 2000;
    assert.equal(rates.text('a', 'rsync', 100), '');
    clock.now = 4000;
    assert.equal(rates.text('a', 'rsync', 2148), ' 1.0 KiB/s');
    assert.equal(rates.text('a', 'rsync', 10), '', 'a try from a lower offset starts the count again');
  });
});
