import { strict as assert } from 'node:assert';
import { NodeRows } from '../../../../src/extension/commands/nodeRows';

describe('NodeRows (a sync\'s per-node progress line)', () => {
  it('names every node, waiting until its first report, and repaints at most every 200 ms', () => {
    const clock = { now: 1000 };
    const painted: string[] = [];
    const rows = new NodeRows(['a', 'b'], (m) => painted.push(m), () => clock.now);
    assert.equal(rows.message(), 'a waiting · b waiting');
    rows.bytes('a', 'p2p', 10, 100);
    assert.deepEqual(painted, ['a p2p 10% · b waiting']);
    clock.now += 50;
    rows.bytes('a', 'p2p', 20, 100);
    assert.equal(painted.length, 1, 'too soon');
    clock.now += 200;
    rows.files('b', 'rsync', { filesDone: 3, filesTotal: 300, bytesDone: 5, bytesTotal: 10 });
    assert.equal(painted.at(-1), 'a p2p 20% · b rsync 3/300 files 50%');
  });

  it('paints a finished node at once, however soon', () => {
    const clock = { now: 0 };
    const painted: string[] = [];
    const rows = new NodeRows(['a'], (m) => painted.push(m), () => clock.now);
    rows.bytes('a', 'rsync', 1, 2);
    rows.bytes('a', 'rsync', 2, 2);
    assert.deepEqual(painted, ['a rsync 50%', 'a rsync done']);
  });

  it('adds each node\'s rate once its transfer has run a second', () => {
    const clock = { now: 0 };
    const painted: string[] = [];
    const rows = new NodeRows(['a'], (m) => painted.push(m), () => clock.now);
    rows.bytes('a', 'p2p', 0, 100 << 20);
    clock.now = 2000;
    rows.bytes('a', 'p2p', 20 << 20, 100 << 20);
    assert.equal(painted.at(-1), 'a p2p 20% 10.0 MiB/s');
  });
});
