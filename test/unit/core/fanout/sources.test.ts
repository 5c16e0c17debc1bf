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
    book.release('s', true);
    assert.equal(book.take('p3')?.name, 's');
  });

  it('re-sources a puller to another verified peer when its source dies, never back to the dead one', () => {
    const book = new SourceBook(2);
    book.addHolder('s1', 1);
    book.addHolder('s2', 2);
    assert.equal(book.take('p')?.name, 's1');
    book.release('s1', false);
    book.failed('s1', 'p', false);
    assert.equal(book.canStillSource('p'), true);
    assert.equal(book.take('p')?.name, 's2');
    assert.equal(book.take('q')?.name, 's2', 'the dead source serves nobody else either');
  });

  it('a live source that failed twice serves none, until pulls from it are verified again', () => {
    const book = new SourceBook(2);
    book.addHolder('s', 1);
    for (const p of ['p', 'q']) {
      book.take(p);
      book.release('s', false);
      book.failed('s', p, true);
    }
    assert.equal(book.canStillSource('r'), false);
    assert.equal(book.hasRoom(), false);
  });

  it('a puller with no untried source left, two live sources failing it, or out of tries, goes direct', () => {
    const book = new SourceBook(2);
    book.addHolder('s1', 1);
    book.take('p');
    book.release('s1', false);
    book.failed('s1', 'p', true);
    assert.equal(book.canStillSource('p'), false, 'its only source was tried, and no pull is under way');
    assert.equal(book.canStillSource('q'), true, 'alive with one failure: serves one');
    book.take('q');
    assert.equal(book.canStillSource('p'), true, "q's pull may make a new source: p waits for it");

    // A puller whose own side is at fault (it reaches nobody) fails on live sources: after two
    // strikes it goes direct, before it can take a third source down a notch.
    const bad = new SourceBook(2);
    for (const s of ['a', 'b', 'c']) bad.addHolder(s, 1);
    for (const s of ['a', 'b']) {
      assert.equal(bad.take('bad')?.name, s);
      bad.release(s, false);
      bad.failed(s, 'bad', true);
    }
    assert.equal(bad.canStillSource('bad'), false);
    const taken = ['x', 'y', 'z', 'w', 'v'].map((p) => bad.take(p)?.name);
    assert.deepEqual(taken.sort(), ['a', 'b', 'c', 'c', undefined], 'c serves 2, a and b one each');

    const many = new SourceBook(2);
    for (let i = 0; i < PULL_TRIES + 1; i++) many.addHolder(`s${i}`, 1);
    for (let i = 0; i < PULL_TRIES; i++) {
      const s = many.take('p');
      assert.ok(s);
      many.release(s.name, false);
    }
    assert.equal(many.take('p'), undefined);
    assert.equal(many.canStillSource('p'), false);
  });
});
