import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Base64Encoder } from '../../../../src/core/tree/base64Encoder';

async function encode(pieces: Buffer[]): Promise<{ text: string; sha: string; counted: number }> {
  let counted = 0;
  const hash = createHash('sha256');
  const enc = new Base64Encoder(hash, (n) => (counted += n));
  Readable.from(pieces).pipe(enc);
  const out: Buffer[] = [];
  for await (const b of enc) out.push(b as Buffer);
  return { text: Buffer.concat(out).toString('latin1'), sha: hash.digest('hex'), counted };
}

describe('core/tree/base64Encoder', () => {
  it('encodes pieces of any length exactly like one base64 of the whole, padding only at the end', async () => {
    const data = randomBytes(10_007);
    const pieces = [1, 2, 4, 5, 3000, 1, 7000, 4].reduce<Buffer[]>((acc, n) => {
      const used = acc.reduce((s, b) => s + b.length, 0);
      return [...acc, data.subarray(used, used + n)];
    }, []);
    const r = await encode(pieces);
    assert.equal(r.text, data.toString('base64') + '\n');
    assert.doesNotMatch(r.text.slice(0, -3), /=/);
    assert.equal(r.sha, createHash('sha256').update(data).digest('hex'));
    assert.equal(r.counted, data.length);
  });

  it('encodes an empty slice as an empty line', async () => {
    assert.equal((await encode([])).text, '\n');
  });
});
