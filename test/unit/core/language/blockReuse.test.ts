import { strict as assert } from 'node:assert';
import { sharedEnds } from '../../../../src/core/language/blockReuse';

describe('sharedEnds', () => {
  it('finds the longest common prefix and suffix around an edit, never overlapping', () => {
    const check = (a: string, b: string, prefix: number, suffix: number) => assert.deepEqual(sharedEnds(a, b), { prefix, suffix, delta: b.length - a.length, oldLength: a.length, newLength: b.length }, `${a} -> ${b}`);
    check('hosts:\n  a: 1\n', 'hosts:\n  ab: 1\n', 10, 4);
    check('aaaa', 'aaaaa', 4, 0);
    check('abc', 'abc', 3, 0);
    check('', 'x', 0, 0);
    check('xabc', 'abc', 0, 3);
  });

  it('is right on long texts with the change anywhere', () => {
    const base = 'line of a hosts file\n'.repeat(5000);
    for (const at of [0, 1, 777, base.length / 2, base.length - 1, base.length]) {
      const edited = `${base.slice(0, at)}X${base.slice(at)}`;
      const { prefix, suffix } = sharedEnds(base, edited);
      assert.ok(prefix + suffix === base.length && base.slice(0, prefix) === edited.slice(0, prefix), `at ${at}`);
    }
  });
});
