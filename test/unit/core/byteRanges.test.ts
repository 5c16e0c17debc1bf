import { strict as assert } from 'node:assert';
import { coveredBytes, formatRanges, gapsIn, mergeRanges, missingRanges, parseRanges } from '../../../src/core/byteRanges';

const r = (start: number, end: number) => ({ start, end });

describe('byteRanges', () => {
  it('merges touching and overlapping ranges, sorted, dropping empty ones', () => {
    assert.deepEqual(mergeRanges([r(10, 20), r(0, 5), r(5, 8), r(15, 30), r(40, 40)]), [r(0, 8), r(10, 30)]);
    assert.equal(coveredBytes([r(0, 10), r(5, 15)]), 15);
  });

  it('finds the gaps of a file of `total` bytes', () => {
    assert.deepEqual(gapsIn([], 100), [r(0, 100)]);
    assert.deepEqual(gapsIn([r(0, 100)], 100), []);
    assert.deepEqual(gapsIn([r(20, 30), r(50, 100)], 100), [r(0, 20), r(30, 50)]);
  });

  it('cuts the missing parts on a grid from 0, so a retry lines up with the ranges kept', () => {
    assert.deepEqual(missingRanges([], 25, 10), [r(0, 10), r(10, 20), r(20, 25)]);
    // Ranges 10-20 done: only the others go again, at the same places.
    assert.deepEqual(missingRanges([r(10, 20)], 25, 10), [r(0, 10), r(20, 25)]);
    // A gap off the grid is cut at the grid lines.
    assert.deepEqual(missingRanges([r(0, 5)], 25, 10), [r(5, 10), r(10, 20), r(20, 25)]);
    assert.deepEqual(missingRanges([r(0, 25)], 25, 10), []);
  });

  it('formats and parses `a-b,c-d`; refuses garbage and ranges outside the file', () => {
    assert.equal(formatRanges([r(8, 16), r(0, 8), r(20, 24)]), '0-16,20-24');
    assert.deepEqual(parseRanges('0-16,20-24', 24), [r(0, 16), r(20, 24)]);
    assert.deepEqual(parseRanges('', 24), []);
    assert.equal(parseRanges('0-30', 24), undefined);
    assert.equal(parseRanges('5-5', 24), undefined);
    assert.equal(parseRanges('a-b', 24), undefined);
    assert.equal(parseRanges('0-4;5-6', 24), undefined);
  });
});
