import { strict as assert } from 'node:assert';
import { didYouMean, editDistance } from '../../../../src/core/hosts/didYouMean';

const TYPES = ['p2p', 'http', 'rsync', 'ssh', 'base64'];

describe('didYouMean', () => {
  it('editDistance counts a swapped pair as one edit', () => {
    assert.equal(editDistance('base46', 'base64'), 1);
    assert.equal(editDistance('rsyn', 'rsync'), 1);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('same', 'same'), 0);
  });

  it('suggests the transport a typo meant', () => {
    assert.equal(didYouMean('rsyn', TYPES), 'rsync');
    assert.equal(didYouMean('b64', TYPES), 'base64');
    assert.equal(didYouMean('base46', TYPES), 'base64');
    assert.equal(didYouMean('htp', TYPES), 'http');
    assert.equal(didYouMean('RSYNC', TYPES), 'rsync');
  });

  it('suggests nothing for a word that is not close to any', () => {
    assert.equal(didYouMean('tailscale', TYPES), undefined);
    assert.equal(didYouMean('', TYPES), undefined);
    assert.equal(didYouMean('x'.repeat(1000), TYPES), undefined);
  });

  it('works on host names', () => {
    assert.equal(didYouMean('nebius-h100-4', ['nebius-h100-1', 'nebius-h100-3', 'vast-1']), 'nebius-h100-1');
    assert.equal(didYouMean('lambda-gh200-12', ['mac-studio']), undefined);
  });
});
