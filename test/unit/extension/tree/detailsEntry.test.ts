import { strict as assert } from 'node:assert';
import { detailFields, detailsEntry } from '../../../../src/extension/tree/detailsEntry';
import { makeNode } from './nodeFixture';

describe('detailsEntry', () => {
  it('lists informational and unknown fields, never the ones syncing uses', () => {
    const node = makeNode({ fields: { ssh_host: '1.2.3.4', role: 'backbone', gpu: 'H100', my_custom: { a: 1 }, constructor: 'x' } });
    assert.deepEqual(detailFields(node).map(([k]) => k), ['role', 'gpu', 'my_custom', 'constructor']);
  });

  it('is a collapsed child with one row per field, values shown as written', () => {
    const entry = detailsEntry(makeNode({ fields: { role: 'backbone', cpus: 64, my_custom: { a: 1 } } }))!;
    assert.equal(entry.label, 'details');
    assert.equal(entry.description, '3 fields not used for syncing');
    assert.equal(entry.expanded, undefined);
    assert.deepEqual(entry.children.map((c) => `${c.label}=${c.description}`), ['role=backbone', 'cpus=64', 'my_custom={"a":1}']);
    assert.match(entry.children[2].tooltip, /Not a field ringrift-sync knows/);
    assert.doesNotMatch(entry.children[0].tooltip, /Not a field/);
  });

  it('is absent when every field is used for syncing', () => {
    assert.equal(detailsEntry(makeNode({ fields: { ssh_host: 'h', status: 'ready' } })), undefined);
  });
});
