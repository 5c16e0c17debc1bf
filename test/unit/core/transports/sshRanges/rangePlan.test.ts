import { strict as assert } from 'node:assert';
import { rangeBytesFor } from '../../../../../src/core/byteRanges';
import { pieceBytesFor, planRanges, rangeSha256 } from '../../../../../src/core/transports/sshRanges/rangePlan';

const MiB = 1 << 20;

describe('core/transports/sshRanges/rangePlan', () => {
  it('a fresh push: every cell of the grid, in file order, the last one short', () => {
    const size = 12 * MiB + 5;
    const plan = planRanges(undefined, size);
    assert.equal(plan.rangeBytes, rangeBytesFor(size));
    assert.equal(plan.rangeBytes, 2 * MiB);
    assert.equal(plan.doneBytes, 0);
    assert.deepEqual(plan.queue.map((r) => r.start / MiB), [0, 2, 4, 6, 8, 10, 12]);
    assert.equal(plan.queue[6].end, size);
  });

  it('a resumed push sends only what the node does not hold; kept ranges may overlap and come in any order', () => {
    const size = 12 * MiB; // 2 MiB ranges
    const kept = [{ start: 4 * MiB, end: 6 * MiB }, { start: 0, end: 2 * MiB }, { start: 0, end: 2 * MiB }, { start: 10 * MiB, end: size }];
    const plan = planRanges(kept, size);
    assert.equal(plan.doneBytes, 6 * MiB);
    assert.deepEqual(plan.queue, [{ start: 2 * MiB, end: 4 * MiB }, { start: 6 * MiB, end: 8 * MiB }, { start: 8 * MiB, end: 10 * MiB }]);
    assert.deepEqual(planRanges([{ start: 0, end: size }], size).queue, [], 'all there: only the finish is left');
  });

  it("a range's sha256 is its cell's", () => {
    const cells = ['a', 'b', 'c'];
    assert.equal(rangeSha256(cells, { start: 8 * MiB, end: 9 * MiB + 1 }, 4 * MiB), 'c');
  });

  it('the buffers of all streams stay within 12 MiB up to the auto cap (16 at the smallest piece), base64 (file and text) and raw alike, and are never silly small', () => {
    // Buffer bytes a stream holds per byte of piece: two slots, of file and its base64 text (4/3), or of file only.
    for (const [dialect, held] of [['base64', 2 * (1 + 4 / 3)], ['raw', 2]] as const) {
      for (const streams of [1, 4, 16, 32]) {
        const piece = pieceBytesFor(streams, held);
        assert.equal(piece % 3, 0, "only a base64 range's last piece may pad");
        assert.ok(piece >= 3 << 16 && piece <= 3 << 18, `${dialect} ${streams}: ${piece}`);
        const total = streams * held * piece;
        assert.ok(streams > 16 || total <= (piece === 3 << 16 ? 16 : 12) * MiB, `${dialect}: ${streams} streams hold ${total} bytes`);
        assert.ok(total <= 32 * MiB, `${dialect}: ${streams} streams hold ${total} bytes`);
      }
    }
    assert.ok(pieceBytesFor(16, 2) >= 2 * pieceBytesFor(16, 2 * (1 + 4 / 3)), 'raw needs no text buffers: bigger pieces for the same budget');
  });
});
