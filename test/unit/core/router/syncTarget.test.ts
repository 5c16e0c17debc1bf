import { strict as assert } from 'node:assert';
import { whyNotTarget } from '../../../../src/core/router/syncTarget';
import { nodeSpec } from '../../helpers/nodeSpec';

describe('whyNotTarget', () => {
  it('a ready node is a target', () => {
    assert.equal(whyNotTarget(nodeSpec(), false), undefined);
  });

  it('a status other than ready names it; a forced transport overrides it (runbook recovery)', () => {
    const archived = nodeSpec({ status: 'archived', ready: false });
    assert.equal(whyNotTarget(archived, false), "status is 'archived', only 'ready' nodes are synced");
    assert.equal(whyNotTarget(archived, true), undefined);
  });

  it('a ready entry with errors points at validate', () => {
    assert.match(whyNotTarget(nodeSpec({ ready: false }), false) ?? '', /run ringrift-sync validate/);
  });

  it('skip_sync_receive is never a target, forced or not, and the reason names the field', () => {
    for (const forced of [false, true]) assert.match(whyNotTarget(nodeSpec({ skipSyncReceive: true }), forced) ?? '', /^skip_sync_receive is true: /);
  });
});
