import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { walkTree } from '../../../../src/core/tree/walk';

describe('core/tree/walk', () => {
  let base: string;
  let root: string;
  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-walk-'));
    root = path.join(base, 'tree');
    fs.mkdirSync(root);
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));
  const put = (rel: string, text = rel) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };

  it('lists regular files verbatim, whatever their names hold, sorted, with their directories parents first', async () => {
    const names = ['a b', "q'uote", 'x$(touch PWNED)', 'back`tick`', 'semi;colon', 'new\nline', '-dash', 'd1/d2/deep', 'sp ace/"f"'];
    names.forEach((n) => put(n));
    const { tree, refusals } = await walkTree(root);
    assert.deepEqual(refusals, []);
    assert.deepEqual(tree.files.map((f) => f.rel), [...names].sort());
    assert.deepEqual(tree.dirs, ['d1', 'sp ace', 'd1/d2']);
    assert.equal(tree.totalBytes, names.reduce((n, x) => n + Buffer.byteLength(x), 0));
    assert.ok(!fs.existsSync(path.join(root, 'PWNED')));
  });

  it('follows a symlink to a directory inside the tree once: its files under the link name', async () => {
    put('real/f.txt');
    fs.symlinkSync('real', path.join(root, 'alias'));
    fs.symlinkSync('real/f.txt', path.join(root, 'file-link'));
    const { tree, refusals } = await walkTree(root);
    assert.deepEqual(refusals, []);
    assert.deepEqual(tree.files.map((f) => f.rel), ['alias/f.txt', 'file-link', 'real/f.txt']);
    assert.equal(tree.files[0].abs, path.join(fs.realpathSync(root), 'real/f.txt'));
  });

  it('refuses a symlink that leaves the tree, naming it and its target', async () => {
    put('ok.txt');
    fs.writeFileSync(path.join(base, 'secret'), 's');
    fs.symlinkSync('../secret', path.join(root, 'out'));
    fs.symlinkSync('/etc', path.join(root, 'etc-link'));
    const { refusals } = await walkTree(root);
    assert.deepEqual(refusals.map((r) => [r.path, r.reason]), [['etc-link', 'symlink_outside'], ['out', 'symlink_outside']]);
    assert.match(refusals[1].detail, /out is a symlink to \.\.\/secret .*outside the tree/);
  });

  it('detects a symlink cycle, and a dangling link, and lists every offending entry', async () => {
    put('a/b/f');
    fs.symlinkSync('..', path.join(root, 'a/b/up'));
    fs.symlinkSync('nowhere', path.join(root, 'dangling'));
    const { tree, refusals } = await walkTree(root);
    assert.deepEqual(refusals.map((r) => [r.path, r.reason]), [['a/b/up', 'symlink_cycle'], ['dangling', 'dangling_symlink']]);
    assert.deepEqual(tree.files.map((f) => f.rel), ['a/b/f']);
  });

  it('refuses names the sync keeps for itself on the node', async () => {
    put('.ringrift-partial/x');
    put('.ringrift-staging-1/y');
    const { refusals } = await walkTree(root);
    assert.deepEqual(refusals.map((r) => r.reason), ['reserved_name', 'reserved_name']);
  });
});
