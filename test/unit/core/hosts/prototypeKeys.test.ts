import { strict as assert } from 'node:assert';
import { parseHostsText } from '../../../../src/core/hosts';

/** Names that exist on every JavaScript object must be plain names in a hosts file. */
describe('hosts file keys named like Object.prototype members', () => {
  it('tolerates top-level sections, host fields and hosts called constructor, toString, __proto__', () => {
    const text = [
      'constructor: 1',
      'toString: [a]',
      '__proto__: {x: 1}',
      'auto_sync:',
      '  constructor: 3',
      'hosts:',
      '  toString:',
      '    ssh_host: 127.0.0.1',
      '    constructor: yes',
      '    hasOwnProperty: 2',
      '',
    ].join('\n');
    const f = parseHostsText(text, 'proto.yaml');
    assert.deepEqual(f.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.deepEqual(f.nodes.map((n) => n.name), ['toString']);
    assert.equal(f.nodes[0].fields.constructor, true);
    assert.equal(f.nodes[0].fields.hasOwnProperty, 2);
  });
});
