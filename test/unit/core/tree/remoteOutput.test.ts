import { strict as assert } from 'node:assert';
import { parseHashes, parseInspect } from '../../../../src/core/tree/remoteOutput';

const A = '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881';
const B = 'a1fce4363854ff888cff4b8e7875d600c268239041 2a8cf79b37d0b11148b0fa'.replace(' ', '');

describe('core/tree/remoteOutput', () => {
  it('reads sha256sum lines, escaped (leading \\) for a name with a newline or backslash', () => {
    const out = `\\${A}  ./a\\nb\n\\${B}  ./c\\\\d\n`;
    assert.deepEqual(parseHashes(out, ['a\nb', 'c\\d']), { ok: true, value: [A, B] });
  });

  it('reads openssl -r lines (` *name`), a backslash in a name left as is', () => {
    const out = `\\${A} *./a\\nb\n${B} *./c\\d\n`;
    assert.deepEqual(parseHashes(out, ['a\nb', 'c\\d']), { ok: true, value: [A, B] });
  });

  it('refuses a line that names another file than the one expected there', () => {
    const r = parseHashes(`${A}  ./other\n`, ['mine']);
    assert.ok(!r.ok && /mine/.test(r.message));
  });

  it('reads the inspect answers across xargs batches, each with its stat lines', () => {
    const out = 'sha=openssl\nlisted\nb\n-\nf\nd\ns\n5/100\nb\nf\ns\n7/200\n';
    assert.deepEqual(parseInspect(out, 4), {
      ok: true,
      value: [{ kind: 'missing' }, { kind: 'file', size: 5, mtimeS: 100 }, { kind: 'other' }, { kind: 'file', size: 7, mtimeS: 200 }],
    });
    assert.ok(!parseInspect(out, 5).ok);
    assert.ok(!parseInspect('listed\nb\nf\ns\n', 1).ok, 'a file without its stat line');
  });
});
