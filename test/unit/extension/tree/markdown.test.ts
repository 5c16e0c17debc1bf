import { strict as assert } from 'node:assert';
import { code, escapeMarkdown } from '../../../../src/extension/tree/markdown';

describe('markdown helpers', () => {
  it('escapes markup characters', () => {
    assert.equal(escapeMarkdown('a_b*c|d'), 'a\\_b\\*c\\|d');
    // Mid-line, these do nothing: kept as written so raw tooltips stay readable.
    assert.equal(escapeMarkdown('gpu-1.example (x)'), 'gpu-1.example (x)');
  });

  it('makes a code span that survives backticks inside', () => {
    assert.equal(code('x'), '`x`');
    assert.equal(code('a`b'), '``a`b``');
    assert.equal(code('`a'), '`` `a ``');
  });
});
