import { strict as assert } from 'node:assert';
import { authState, authorized } from '../../../src/agent/auth';

describe('agent token check', () => {
  it('is open when the agent has no token, whatever the request brings', () => {
    assert.equal(authState(undefined, {}), 'open');
    assert.equal(authState(undefined, { authorization: 'Bearer x' }), 'open');
    assert.equal(authorized('open'), true);
  });

  it('accepts only the exact token as a Bearer credential', () => {
    assert.equal(authState('s3cret', { authorization: 'Bearer s3cret' }), 'accepted');
    assert.equal(authState('s3cret', { authorization: 'bearer s3cret' }), 'accepted');
    assert.equal(authState('s3cret', {}), 'missing');
    assert.equal(authState('s3cret', { authorization: 'Bearer s3cre' }), 'rejected');
    assert.equal(authState('s3cret', { authorization: 'Bearer s3cret-and-more' }), 'rejected');
    assert.equal(authState('s3cret', { authorization: 's3cret' }), 'missing');
    assert.equal(authState('s3cret', { authorization: 'Basic s3cret' }), 'missing');
    assert.equal(authorized('rejected'), false);
    assert.equal(authorized('missing'), false);
  });

  it("takes the orchestrator's X-RingRift-Auth header when there is no Bearer credential", () => {
    assert.equal(authState('s3cret', { 'x-ringrift-auth': 's3cret' }), 'accepted');
    assert.equal(authState('s3cret', { 'x-ringrift-auth': ' s3cret ' }), 'accepted');
    assert.equal(authState('s3cret', { 'x-ringrift-auth': 'nope' }), 'rejected');
    // As on the orchestrator, a Bearer credential is the one looked at when both are sent.
    assert.equal(authState('s3cret', { authorization: 'Bearer wrong', 'x-ringrift-auth': 's3cret' }), 'rejected');
  });
});
