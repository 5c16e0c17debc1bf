import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatSidecar, parseSidecar, readSidecar, writeSidecar } from '../../../src/agent/rangeSidecar';

const SHA = 'a'.repeat(64);

describe('agent ranges sidecar', () => {
  it('round-trips a state, ranges merged', () => {
    const text = formatSidecar({ totalSize: 100, sha256: SHA, done: [{ start: 10, end: 20 }, { start: 0, end: 10 }] });
    const back = parseSidecar(text);
    assert.ok(back.ok);
    assert.deepEqual(back.value, { totalSize: 100, sha256: SHA, done: [{ start: 0, end: 20 }] });
  });

  it('says what is wrong with a broken one', () => {
    const code = (text: string) => {
      const r = parseSidecar(text);
      return r.ok ? 'ok' : r.code;
    };
    assert.equal(code('{"version":1,'), 'bad_json');
    assert.equal(code('null'), 'bad_shape');
    assert.equal(code(JSON.stringify({ version: 2, totalSize: 100, sha256: SHA, done: [] })), 'bad_shape');
    assert.equal(code(JSON.stringify({ version: 1, totalSize: 100, sha256: 'xyz', done: [] })), 'bad_shape');
    assert.equal(code(JSON.stringify({ version: 1, totalSize: 100, sha256: SHA })), 'bad_shape');
    assert.equal(code(JSON.stringify({ version: 1, totalSize: 100, sha256: SHA, done: [[0, 200]] })), 'bad_shape');
    assert.equal(code(JSON.stringify({ version: 1, totalSize: 100, sha256: SHA, done: [[5]] })), 'bad_shape');
    assert.equal(code(JSON.stringify({ version: 1, totalSize: 100, sha256: SHA, done: [[0, 50]] })), 'ok');
  });

  it('writes atomically (no temporary left) and reads back; a missing one is `absent`', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-sidecar-'));
    try {
      const file = path.join(dir, '.f.bin.ringrift-ranges');
      const missing = await readSidecar(file);
      assert.ok(!missing.ok && missing.code === 'absent');
      await writeSidecar(file, { totalSize: 9, sha256: SHA, done: [{ start: 0, end: 3 }] });
      await writeSidecar(file, { totalSize: 9, sha256: SHA, done: [{ start: 0, end: 6 }] });
      const read = await readSidecar(file);
      assert.ok(read.ok);
      assert.deepEqual(read.value.done, [{ start: 0, end: 6 }]);
      assert.deepEqual(fs.readdirSync(dir), ['.f.bin.ringrift-ranges']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
