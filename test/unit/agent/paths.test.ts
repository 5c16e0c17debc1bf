import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { uploadSegments, treeSegments } from '../../../src/agent/orchestratorPaths';
import { parseFilesPath, parseRelPath, staysInsideRoot, targetPaths } from '../../../src/agent/paths';

describe('agent paths', () => {
  const segs = (p: string) => {
    const r = parseFilesPath(p);
    return r.ok ? r.value : r.code;
  };

  it('decodes each percent-encoded segment into a name, keeping shell metacharacters as data', () => {
    assert.deepEqual(segs('/files/data/a%20b.bin'), ['data', 'a b.bin']);
    assert.deepEqual(segs(`/files/${encodeURIComponent(`$(touch x)'"\`;.bin`)}`), [`$(touch x)'"\`;.bin`]);
    assert.deepEqual(segs('/files/a//./b'), ['a', 'b']);
  });

  it('refuses .., absolute paths, an encoded slash, NUL, bad encoding, directories and partial names', () => {
    for (const bad of ['/files/../x', '/files/a/%2E%2E/x', '/files//etc/passwd', '/files/%2Fetc%2Fpasswd', '/files/a%00b', '/files/%E0%A4%A', '/files/dir/', '/files/', '/files/./', '/files/.x.ringrift-partial']) {
      assert.equal(segs(bad), 'bad_path', bad);
    }
  });

  it('applies the same rules to an already decoded path (form field, query, JSON), taking % literally', () => {
    const rel = (p: string) => {
      const r = parseRelPath(p);
      return r.ok ? r.value : r.code;
    };
    assert.deepEqual(rel(`a b/$(x) '"\`;%2F.bin`), ['a b', `$(x) '"\`;%2F.bin`]);
    for (const bad of ['', '../x', 'a/../../x', '/etc/passwd', 'a\0b', 'dir/', '.', './', '.x.ringrift-partial']) assert.equal(rel(bad), 'bad_path', bad);
  });

  it("maps the orchestrator's paths under the root: upload path data/|models/, tree-relative paths", () => {
    const up = (p: string) => {
      const r = uploadSegments(p);
      return r.ok ? r.value : r.code;
    };
    assert.deepEqual(up('data/check/f5.npz'), ['data', 'check', 'f5.npz']);
    assert.deepEqual(up('models/m.pt'), ['models', 'm.pt']);
    for (const bad of ['x.npz', '/data/x', 'datax/y', 'model/m.pt']) assert.equal(up(bad), 'bad_prefix', bad);
    for (const bad of ['data/', 'data/../x', 'data/.', 'models/a/..']) assert.equal(up(bad), 'bad_path', bad);
    const tree = treeSegments('model', 'v1/m.pt');
    assert.ok(tree.ok);
    assert.deepEqual(tree.value, ['models', 'v1', 'm.pt']);
    assert.equal(treeSegments('data', '../x').ok, false);
  });

  it('puts the partial beside its target as .<name>.ringrift-partial', () => {
    const p = targetPaths('/srv/root', ['models', 'm.pt']);
    assert.equal(p.target, '/srv/root/models/m.pt');
    assert.equal(p.partial, '/srv/root/models/.m.pt.ringrift-partial');
    assert.equal(p.rel, 'models/m.pt');
  });

  it('sees a symlinked directory that leads out of the root', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-paths-'));
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-outside-'));
    try {
      fs.symlinkSync(outside, path.join(root, 'out'));
      fs.mkdirSync(path.join(root, 'in'));
      assert.equal(await staysInsideRoot(root, path.join(root, 'in', 'new', 'deeper')), true);
      assert.equal(await staysInsideRoot(root, path.join(root, 'out', 'sub')), false);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});
