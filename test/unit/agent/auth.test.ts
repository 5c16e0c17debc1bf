import { strict as assert } from 'node:assert';
import { tokenAccepted } from '../../../src/agent/auth';

describe('agent bearer token check', () => {
  it('lets everything through when the agent has no token', () => {
    assert.equal(tokenAccepted(undefined, undefined), true);
  });

  it('accepts only the exact token as a Bearer credential', () => {
    assert.equal(tokenAccepted('s3cret', 'Bearer s3cret'), true);
    assert.equal(tokenAccepted('s3cret', 'bearer s3cret'), true);
    assert.equal(tokenAccepted('s3cret', undefined), false);
    assert.equal(tokenAccepted('s3cret', 'Bearer s3cre'), false);
    assert.equal(tokenAccepted('s3cret', 'Bearer s3cret-and-more'), false);
    assert.equal(tokenAccepted('s3cret', 's3cret'), false);
    assert.equal(tokenAccepted('s3cret', 'Basic s3cret'), false);
  });
});
