import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FilesHasher } from '../../../../src/core/tree/filesHasher';
import type { TreeFile } from '../../../../src/core/tree/localTree';

describe('core/tree/filesHasher', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-hasher-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const put = (rel: string, data: Buffer): TreeFile => {
    fs.writeFileSync(path.join(dir, rel), data);
    return { rel, abs: path.join(dir, rel), size: data.length, mtimeMs: 0 };
  };
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const hashLocal = async (files: TreeFile[], where: string) => {
    const hasher = new FilesHasher();
    try {
      return await hasher.hashes(files, where);
    } finally {
      hasher.close();
    }
  };

  it('hashes each file on one worker, an empty one and one longer than its 1 MiB buffer too', async () => {
    const datas = [Buffer.alloc(0), Buffer.from('small'), Buffer.alloc((1 << 20) * 2 + 7, 9)];
    const files = datas.map((d, i) => put(`f${i}`, d));
    const r = await hashLocal(files, 'here');
    assert.ok(r.ok);
    assert.deepEqual([...r.value], files.map((f, i) => [f.rel, sha(datas[i])]));
  });

  it('a file named as it is sent is hashed then, once however often it is named', async () => {
    const f = put('a', Buffer.from('first'));
    const hasher = new FilesHasher();
    try {
      hasher.add(f);
      hasher.add(f);
      const first = await hasher.hashes([f], 'here');
      fs.writeFileSync(f.abs, 'changed since');
      const again = await hasher.hashes([f], 'here');
      assert.ok(first.ok && again.ok);
      assert.equal(again.value.get('a'), sha(Buffer.from('first')));
    } finally {
      hasher.close();
    }
  });

  it('a sync\'s nodes share each file\'s hash: the second asks, nothing is read again', async () => {
    const files = ['p0', 'p1'].map((n) => put(n, Buffer.from(`before ${n}`)));
    const hasher = new FilesHasher();
    try {
      const a = await hasher.hashes(files, 'node a');
      for (const f of files) fs.writeFileSync(f.abs, 'changed since');
      const b = await hasher.hashes(files, 'node b');
      assert.ok(a.ok && b.ok);
      assert.deepEqual([...a.value.values()], files.map((f) => sha(Buffer.from(`before ${f.rel}`))));
      assert.deepEqual(b.value, a.value);
    } finally {
      hasher.close();
    }
  });

  it('a file it cannot read fails the lot, naming it; after close nothing is hashed', async () => {
    const gone: TreeFile = { rel: 'd/gone', abs: path.join(dir, 'gone'), size: 1, mtimeMs: 0 };
    const r = await hashLocal([put('ok', Buffer.from('x')), gone], 'node n: rsync');
    assert.ok(!r.ok);
    assert.equal(r.code, 'local_read_failed');
    assert.match(r.message, /^node n: rsync: cannot hash "d\/gone": ENOENT/);
    const hasher = new FilesHasher();
    hasher.close();
    const after = await hasher.hashes([put('late', Buffer.from('y'))], 'here');
    assert.ok(!after.ok);
  });
});
