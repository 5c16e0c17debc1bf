import { strict as assert } from 'node:assert';
import { cursorContext } from '../../../../src/core/language/cursorContext';
import { documentOf, fixtureText, positionOf, typed } from './languageFixtures';

/** Where a cursor is in the tree, after typing `insert` at the end of `needle`. */
function contextAfter(needle: string, insert: string): string {
  const text = fixtureText('transport-chain.yaml');
  const edit = typed(text, positionOf(text, needle), insert);
  const doc = documentOf(edit.text);
  const ctx = cursorContext(doc.viewAt(edit.cursor.line)!, edit.cursor)!;
  return `${ctx.kind} ${ctx.path.join('.')} '${ctx.word}'`;
}

describe('cursorContext', () => {
  it('knows the place from the tree, whatever the line says', () => {
    assert.equal(contextAfter('last_resort: true', '\n      - type: b'), "value hosts.gpu-alpha.transports.3.type 'b'");
    assert.equal(contextAfter('type: p2p', ''), "value hosts.gpu-alpha.transports.0.type 'p2p'");
    assert.equal(contextAfter('status: maintenance', '\n    ssh_p'), "key hosts.gpu-beta 'ssh_p'");
    assert.equal(contextAfter('coordinator: gpu', ''), "value elo_sync.coordinator 'gpu'");
  });

  it('picks the enclosing collection by indentation on a line with no node yet', () => {
    assert.equal(contextAfter('last_resort: true', '\n        '), "key hosts.gpu-alpha.transports.2 ''");
    assert.equal(contextAfter('last_resort: true', '\n      '), "item hosts.gpu-alpha.transports ''");
    assert.equal(contextAfter('last_resort: true', '\n    '), "key hosts.gpu-alpha ''");
    assert.equal(contextAfter('last_resort: true', '\n  '), "key hosts ''");
    assert.equal(contextAfter('last_resort: true', '\n'), "key  ''");
    assert.equal(contextAfter('last_resort: true', '\n      - '), "value hosts.gpu-alpha.transports.3 ''");
  });

  it('starts a block under a key that has none yet', () => {
    assert.equal(contextAfter('status: maintenance', '\n    transports:\n      '), "key hosts.gpu-beta.transports ''");
    assert.equal(contextAfter('status: maintenance', '\n    transports:\n      - '), "value hosts.gpu-beta.transports.0 ''");
  });
});
