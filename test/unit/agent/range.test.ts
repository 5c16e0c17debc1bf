import { strict as assert } from 'node:assert';
import { parseRange } from '../../../src/agent/range';

describe('agent Range header', () => {
  it('takes one bytes= range of each form, clamped to the file', () => {
    assert.deepEqual(parseRange('bytes=0-9', 100), { kind: 'part', start: 0, end: 9 });
    assert.deepEqual(parseRange('bytes=90-', 100), { kind: 'part', start: 90, end: 99 });
    assert.deepEqual(parseRange('bytes=-10', 100), { kind: 'part', start: 90, end: 99 });
    assert.deepEqual(parseRange('bytes=-500', 100), { kind: 'part', start: 0, end: 99 });
    assert.deepEqual(parseRange('bytes=50-5000', 100), { kind: 'part', start: 50, end: 99 });
  });

  it('unsatisfiable past the end, for an empty file and for -0', () => {
    for (const [h, size] of [['bytes=100-', 100], ['bytes=0-0', 0], ['bytes=-5', 0], ['bytes=-0', 100]] as const) {
      assert.deepEqual(parseRange(h, size), { kind: 'unsatisfiable' }, h);
    }
  });

  it('the whole file for no header and for what it does not take', () => {
    for (const h of [undefined, '', 'bytes=0-1,4-5', 'bytes=9-5', 'bytes=-', 'items=0-5', 'bytes=a-b']) {
      assert.deepEqual(parseRange(h, 100), { kind: 'whole' }, String(h));
    }
  });
});
