import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseHashes, parseInspect } from '../../../../src/core/tree/remoteOutput';
import * as s from '../../../../src/core/tree/remoteScripts';
import { tarOf } from '../../../../src/core/tree/tarStream';
import { walkTree } from '../../../../src/core/tree/walk';
import type { LocalTree } from '../../../../src/core/tree/localTree';

/** The scripts run here under the local sh, as the node's sshd would run them: names only ever on stdin. */
const HOSTILE = ['a b', "q'uote", 'x$(touch PWNED)', 'back`touch PWNED`', 'semi;touch PWNED', 'new\nline', '-dash', 'sub dir/inner "f"', 'nl\n/trail\n', '*'];

describe('core/tree/remoteScripts (run by the local sh)', () => {
  let base: string;
  let dst: string;
  let tree: LocalTree;
  before(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-scripts-'));
    const src = path.join(base, 'src');
    dst = path.join(base, 'dst dir');
    for (const n of HOSTILE) {
      fs.mkdirSync(path.dirname(path.join(src, n)), { recursive: true });
      fs.writeFileSync(path.join(src, n), `data of ${n}`);
    }
    tree = (await walkTree(src)).tree;
  });
  after(() => fs.rmSync(base, { recursive: true, force: true }));

  const run = (cmd: string, input: Buffer | string = '') => {
    const r = spawnSync('sh', ['-c', cmd], { input, cwd: base });
    return { code: r.status, out: r.stdout.toString() };
  };
  const inspect = () => run(s.inspectScript(dst), tree.files.map((f) => s.nameRecord(f.rel)).join(''));
  const answers = (out: string) => {
    const r = parseInspect(out, tree.files.length);
    assert.ok(r.ok, out);
    return r.value.map((x) => x.kind === 'file' ? `${x.size}/${x.mtimeS}` : x.kind);
  };
  const hashes = (dir: string, rels: string[]) => {
    const r = parseHashes(run(s.hashScript(dir), rels.map(s.nameRecord).join('')).out, rels);
    assert.ok(r.ok, r.ok ? '' : r.message);
    return r.value;
  };
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');

  it('inspect reports tools, then one answer per name in order (none there yet)', () => {
    const r = inspect();
    assert.equal(r.code, 0);
    assert.match(r.out, /^sha=(openssl|sha256sum|shasum)$/m);
    assert.match(r.out, /^tar=present$/m);
    assert.deepEqual(answers(r.out), tree.files.map(() => 'missing'));
  });

  it('dirs, tar into staging, finish: every file lands verbatim under the root, verified, with our mtime', async () => {
    assert.equal(run(s.dirsScript(dst), tree.dirs.map((d, i) => s.indexedRecord(i, d)).join('')).out, '');
    const tar = tarOf(tree.files);
    const chunks: Buffer[] = [];
    for await (const c of tar.stream) chunks.push(c as Buffer);
    const staging = s.stagingName('t1');
    assert.equal(run(s.receiveTarScript(dst, staging, '-d'), Buffer.concat(chunks).toString('base64')).code !== 0, true, 'no staging directory: nothing written');
    assert.ok(!fs.existsSync(path.join(dst, staging)));
    fs.mkdirSync(path.join(dst, staging));
    assert.equal(run(s.receiveTarScript(dst, staging, '-d'), Buffer.concat(chunks).toString('base64')).code, 0);
    const staged = hashes(path.join(dst, staging), tree.files.map((_, i) => String(i)));
    assert.deepEqual(staged, tree.files.map((_, i) => tar.hashes.get(i)));
    const records = tree.files.map((f, i) => s.finishRecord(i, 'mv', s.touchStamp(f.mtimeMs), f.rel)).join('');
    assert.deepEqual(run(s.finishScript(dst, staging), records).out.trim().split('\n'), tree.files.map((_, i) => `ok ${i}`));
    run(s.cleanupScript(dst, staging));
    for (const f of tree.files) {
      const landed = path.join(dst, f.rel);
      assert.equal(fs.readFileSync(landed, 'utf8'), `data of ${f.rel}`);
      assert.equal(Math.floor(fs.statSync(landed).mtimeMs / 1000), Math.floor(f.mtimeMs / 1000));
    }
    assert.ok(!fs.existsSync(path.join(base, 'PWNED')) && !fs.existsSync(path.join(dst, 'PWNED')));
    assert.deepEqual(fs.readdirSync(dst).filter((n) => n.startsWith('.ringrift')), []);
    assert.deepEqual(answers(inspect().out), tree.files.map((f) => `${f.size}/${Math.floor(f.mtimeMs / 1000)}`));
  });

  it('hash gives each sha256 in order, whatever the names hold; list prints every name NUL-separated', () => {
    assert.deepEqual(hashes(dst, tree.files.map((f) => f.rel)), tree.files.map((f) => sha(`data of ${f.rel}`)));
    for (const own of ['.ringrift-staging-zz/0', '.ringrift-partial/x', 'sub dir/.f.ringrift-partial']) {
      fs.mkdirSync(path.dirname(path.join(dst, own)), { recursive: true });
      fs.writeFileSync(path.join(dst, own), 'ours');
    }
    const listed = run(s.listScript(dst)).out.split('\0').filter(Boolean).map((n) => n.slice(2)).sort();
    assert.deepEqual(listed, tree.files.map((f) => f.rel), 'the sync\'s own staging and partials are never listed for --delete');
    for (const own of ['.ringrift-staging-zz', '.ringrift-partial', 'sub dir/.f.ringrift-partial']) fs.rmSync(path.join(dst, own), { recursive: true });
  });

  it('a hash line for a file the node cannot read stops the parse there, naming the file', () => {
    const r = parseHashes(run(s.hashScript(dst), s.nameRecord('a b') + s.nameRecord('gone')).out, ['a b', 'gone']);
    assert.ok(!r.ok && /gone/.test(r.message));
  });

  it('finish touches a file whose bytes are already right, and stamps a staged one before the rename', () => {
    const staging = s.stagingName('t2');
    fs.mkdirSync(path.join(dst, staging));
    fs.writeFileSync(path.join(dst, staging, '0'), 'replaced');
    const when = Date.UTC(2020, 0, 2, 3, 4, 5);
    const out = run(s.finishScript(dst, staging), s.finishRecord(0, 'stamp', s.touchStamp(when), 'a b') + s.finishRecord(1, 'touch', s.touchStamp(when), "q'uote")).out;
    assert.equal(out, 'ok 0\nok 1\n');
    assert.equal(fs.readFileSync(path.join(dst, 'a b'), 'utf8'), 'replaced');
    for (const n of ['a b', "q'uote"]) assert.equal(fs.statSync(path.join(dst, n)).mtimeMs, when);
    run(s.cleanupScript(dst, staging));
  });

  it('dirs refuses to write through a symlinked directory (it could lead out of the root), creating nothing', () => {
    fs.symlinkSync(base, path.join(dst, 'escape'));
    const records = s.indexedRecord(0, 'escape') + s.indexedRecord(1, 'escape/x') + s.indexedRecord(2, 'fresh');
    assert.equal(run(s.dirsScript(dst), records).out, 'link 0\n');
    assert.ok(!fs.existsSync(path.join(base, 'x')) && !fs.existsSync(path.join(dst, 'fresh')));
  });

  it('dirs names each directory it could not make, by index, and makes the rest', () => {
    const long = 'n'.repeat(300);
    const records = [s.indexedRecord(0, 'm1'), s.indexedRecord(1, `m1/${long}`), s.indexedRecord(2, 'm1/m2'), s.indexedRecord(3, `m1/${long}/x`)].join('');
    assert.equal(run(s.dirsScript(dst), records).out, 'mkdir 1\nmkdir 3\n');
    assert.ok(fs.statSync(path.join(dst, 'm1/m2')).isDirectory());
    fs.rmSync(path.join(dst, 'm1'), { recursive: true });
  });

  it('remove takes the names on stdin, verbatim', () => {
    run(s.removeScript(dst), 'new\nline\0x$(touch PWNED)\0');
    assert.ok(!fs.existsSync(path.join(dst, 'new\nline')) && !fs.existsSync(path.join(dst, 'x$(touch PWNED)')));
    assert.ok(fs.existsSync(path.join(dst, 'a b')));
  });

  it('no script embeds anything but the root and the staging name', () => {
    for (const script of [s.inspectScript('/r'), s.finishScript('/r', s.stagingName('x')), s.removeScript('/r')]) {
      assert.ok(!/PWNED|new\nline/.test(script));
    }
    assert.equal(s.stagingName('a/../b'), '.ringrift-staging-ab');
  });
});
