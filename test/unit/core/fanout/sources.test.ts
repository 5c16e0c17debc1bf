import { strict as assert } from 'node:assert';
import { PULL_TRIES } from '../../../../src/core/fanout/plan';
import { SourceBook } from '../../../../src/core/fanout/sources';

describe('fan-out SourceBook', () => {
  it('reserves at most K slots per source and frees them on release', () => {
    const book = new SourceBook(2);
    book.addHolder('s', 1);
    assert.equal(book.take('p1')?.name, 's');
    assert.equal(book.take('p2')?.name, 's');
    assert.equal(book.take('p3'), undefined);
    assert.equal(book.canStillSource('p3'), true, 'busy, not gone: p3 waits');
    book.release('s');
    assert.equal(book.take('p3')?.name, 's');
  });

  it('re-sources a puller to another verified peer when its source dies, never back to the dead one', () => {
    const book = new SourceBook(2);
    book.addHolder('s1', 1);
    book.addHolder('s2', 2);
    assert.equal(book.take('p')?.name, 's1');
    book.release('s1');
    book.failed('s1', false);
    assert.equal(book.canStillSource('p'), true);
    assert.equal(book.take('p')?.name, 's2');
    assert.equal(book.take('q')?.name, 's2', 'the dead source serves nobody else either');
  });

  it('a puller with no untried live source left, or out of tries, is told to go direct', () => {
    const book = new SourceBook(2);
    book.addHolder('s1', 1);
    book.take('p');
    book.release('s1');
    book.failed('s1', true);
    assert.equal(book.canStillSource('p'), false, 'its only source was tried');
    assert.equal(book.canStillSource('q'), true, 'alive with one failure: serves one');
    book.failed('s1', true);
    assert.equal(book.canStillSource('q'), false, 'two failures: serves none');
    assert.equal(book.hasRoom(), false);

    const many = new SourceBook(2);
    for (let i = 0; i < PULL_TRIES + 1; i++) many.addHolder(`s${i}`, 1);
    for (let i = 0; i < PULL_TRIES; i++) {
      const s = many.take('p');
      assert.ok(s);
      many.release(s.name);
    }
    assert.equal(many.take('p'), undefined);
    assert.equal(many.canStillSource('p'), false);
  });
});
