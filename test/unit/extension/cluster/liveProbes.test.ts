import { strict as assert } from 'node:assert';
import { LiveProbes } from '../../../../src/extension/cluster/liveProbes';

describe('LiveProbes', () => {
  it('tracks each transport from testing to its result, and forgets the node when the test ends', () => {
    const live = new LiveProbes();
    let changes = 0;
    live.onDidChange(() => changes++);
    live.start([{ node: 'a', transports: ['p2p', 'rsync'] }]);
    assert.equal(live.busy(), true);
    live.result({ node: 'a', transport: 'p2p', success: true, message: 'ok', latencyMs: 3 });
    assert.deepEqual(live.get('a')?.get('p2p'), { status: 'done', row: { node: 'a', transport: 'p2p', success: true, message: 'ok', latencyMs: 3 } });
    assert.deepEqual(live.get('a')?.get('rsync'), { status: 'testing' });
    live.result({ node: 'a', transport: 'rsync', success: false, message: 'refused', latencyMs: 1 });
    assert.equal(live.busy(), false);
    live.finish(['a']);
    assert.equal(live.get('a'), undefined);
    assert.equal(changes, 4);
  });

  it('ignores a result for a node no test started (a late answer after finish)', () => {
    const live = new LiveProbes();
    live.result({ node: 'x', transport: 'p2p', success: true, message: 'ok', latencyMs: 1 });
    assert.equal(live.get('x'), undefined);
  });
});
