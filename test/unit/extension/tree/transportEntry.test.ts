import { strict as assert } from 'node:assert';
import { transportEntry, transportTarget } from '../../../../src/extension/tree/transportEntry';
import { makeNode } from './nodeFixture';

describe('transportEntry', () => {
  it('names where each transport connects', () => {
    const node = makeNode({ sshPort: 2202 });
    assert.equal(transportTarget(node, 'p2p'), '127.0.0.11:8770');
    assert.equal(transportTarget(node, 'http'), '127.0.0.1:8771');
    assert.equal(transportTarget(node, 'rsync'), 'ubuntu@127.0.0.1:2202');
    assert.equal(transportTarget(node, 'base64'), 'ubuntu@127.0.0.1:2202');
  });

  it('says which step of how many it is', () => {
    const entry = transportEntry(makeNode(), 'rsync', 3);
    assert.equal(entry.label, 'rsync');
    assert.match(entry.tooltip, /step 3 of 4 for gpu-1/);
  });

  it('flags a node without an address and tells what to set', () => {
    const entry = transportEntry(makeNode({ sshHost: undefined }), 'rsync', 3);
    assert.equal(entry.description, 'no address');
    assert.equal(entry.icon.color, 'errorForeground');
    assert.match(entry.tooltip, /set `ssh_host`/);
  });

  it('marks p2p on a NAT-blocked node as expected to fail', () => {
    const entry = transportEntry(makeNode({ natBlocked: true }), 'p2p', 1);
    assert.equal(entry.description, '127.0.0.11:8770 · NAT-blocked');
    assert.match(entry.tooltip, /expected to fail/);
  });
});
