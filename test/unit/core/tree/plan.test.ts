import { strict as assert } from 'node:assert';
import type { TreeFile } from '../../../../src/core/tree/localTree';
import { extraRemoteFiles, mtimeSeconds, planFiles } from '../../../../src/core/tree/plan';

const file = (rel: string, size = 1, mtimeMs = 1_700_000_000_500): TreeFile => ({ rel, abs: `/l/${rel}`, size, mtimeMs });

describe('core/tree/plan', () => {
  it('skips same size+mtime, sends missing or other size, and compares sha256 only for same-size candidates', () => {
    const files = [file('same'), file('missing'), file('differs'), file('hashed-equal'), file('hashed-other')];
    const plan = planFiles(
      files,
      [{ kind: 'same' }, { kind: 'missing' }, { kind: 'differs' }, { kind: 'hashed', sha256: 'aa' }, { kind: 'hashed', sha256: 'bb' }],
      new Map([['hashed-equal', 'aa'], ['hashed-other', 'cc']]),
    );
    assert.deepEqual(plan.skip.map((f) => f.rel), ['same']);
    assert.deepEqual(plan.touch.map((f) => f.rel), ['hashed-equal']);
    assert.deepEqual(plan.send.map((f) => f.rel), ['missing', 'differs', 'hashed-other']);
  });

  it('mtimes compare in whole seconds', () => {
    assert.equal(mtimeSeconds(file('x', 1, 1_700_000_000_999)), 1_700_000_000);
  });

  it('--delete removes only names that are not files of the tree', () => {
    assert.deepEqual(extraRemoteFiles(['b', 'a b', 'new\nline', 'keep'], [file('keep'), file('a b')]), ['b', 'new\nline']);
  });
});
