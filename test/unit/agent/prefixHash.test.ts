import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PrefixHash } from '../../../src/agent/prefixHash';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('agent: prefix hash of a ranged partial', () => {
  let dir: string;
  let partial: string;
  const body = Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 31) % 251));
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-prefix-'));
    partial = path.join(dir, 'partial');
    fs.writeFileSync(partial, body);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A range received: its bytes into the ahead copy (when one was given), then recorded. */
  function receive(h: PrefixHash, start: number, end: number, prefixEnd: number): void {
    const range = { start, end };
    const ahead = h.ahead(range);
    ahead?.hash.update(body.subarray(start, end));
    h.landed(range, ahead);
    h.advanceTo(prefixEnd);
  }

  it('ranges in order are hashed as they come: the commit reads nothing again', async () => {
    const h = new PrefixHash(partial);
    for (let at = 0; at < body.length; at += 16 * 1024) receive(h, at, at + 16 * 1024, at + 16 * 1024);
    fs.rmSync(partial); // nothing left to read: the digest must come from what was fed
    assert.equal(await h.digest(body.length), sha(body));
  });

  it('a range landing ahead of the prefix is read back once the prefix reaches it', async () => {
    const h = new PrefixHash(partial);
    receive(h, 32 * 1024, 64 * 1024, 0); // out of order: no prefix yet
    receive(h, 0, 32 * 1024, 64 * 1024); // fed, then [32K, 64K) read from the partial
    assert.equal(await h.digest(body.length), sha(body));
  });

  it('a range that was not recorded (cut, or a wrong hash) leaves the prefix where it was', async () => {
    const h = new PrefixHash(partial);
    const cut = h.ahead({ start: 0, end: 32 * 1024 });
    cut?.hash.update(Buffer.alloc(1000)); // bytes that never counted
    h.advanceTo(1000); // the kept part of the cut range, as on disk
    receive(h, 1000, body.length, body.length);
    assert.equal(await h.digest(body.length), sha(body));
  });

  it('a partial that cannot be read gives no digest (the commit reads the file itself); reset starts over', async () => {
    const h = new PrefixHash(path.join(dir, 'missing'));
    h.advanceTo(1000);
    assert.equal(await h.digest(body.length), undefined);
    const again = new PrefixHash(partial);
    receive(again, 0, 1000, 1000);
    again.reset();
    receive(again, 0, body.length, body.length);
    assert.equal(await again.digest(body.length), sha(body));
  });
});
