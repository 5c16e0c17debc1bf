import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RsyncTransport } from '../../../../src/core/transports/rsync/rsync';
import { PARTIAL_DIR } from '../../../../src/core/transports/rsync/rsyncArgs';
import { never, sha256, useRsyncCluster, writeRandomFile } from './rsyncSuite';
import { inOwnRound } from '../../../../src/core/transports/probeRound';

/** The rsync transport against a real OpenSSH sshd and the system rsync, on loopback: what lands. */
describe('rsync transport: pushes (real sshd and rsync on loopback)', function () {
  this.timeout(60000);
  const s = useRsyncCluster();

  it('probes a node with a dry run that leaves nothing behind', async () => {
    const r = await inOwnRound(never(), (round) => new RsyncTransport(s.opts).probe(s.spec(s.alpha), never(), round));
    assert.equal(r.success, true, r.message);
    assert.equal(r.transport, 'rsync');
    assert.ok(r.latencyMs > 0);
    assert.deepEqual(fs.readdirSync(s.alpha.root), []);
  });


  it('pushes a 50 MiB file whose sha256 on the node matches, with progress up to the total', async () => {
    const local = path.join(s.work, 'fifty.bin');
    writeRandomFile(local, 50 * 1024 * 1024);
    const seen: Array<[number, number]> = [];
    const r = await new RsyncTransport(s.opts).push(s.spec(s.alpha), { localPath: local, remotePath: 'data/fifty.bin' }, (d, t) => seen.push([d, t]), never());
    assert.ok(r.ok, !r.ok ? r.message : '');
    const onNode = s.alpha.file('data/fifty.bin');
    assert.equal(sha256(onNode), sha256(local));
    assert.equal(r.sha256, sha256(local));
    assert.equal(r.bytes, 50 * 1024 * 1024);
    assert.equal(r.bytesSent, 50 * 1024 * 1024);
    assert.equal(r.remotePath, path.join(s.alpha.root, 'data/fifty.bin'));
    assert.deepEqual(seen[seen.length - 1], [r.bytes, r.bytes]);
    assert.ok(seen.every(([d, t], i) => t === r.bytes && (i === 0 || d >= seen[i - 1][0])), 'progress never goes back');
    assert.equal(fs.existsSync(s.alpha.file(`data/${PARTIAL_DIR}`)), false, 'no partial dir left after success');

    const again = await s.push(new RsyncTransport(s.opts), s.spec(s.alpha), local, 'data/fifty.bin');
    assert.ok(again.ok && again.skipped && again.bytesSent === 0, 'an unchanged file is verified, not resent');
  });


  it("repairs a node copy that rsync's size+mtime check calls unchanged but sha256 does not", async () => {
    const local = path.join(s.work, 'same-size.txt');
    fs.writeFileSync(local, 'good bytes');
    const t = new RsyncTransport(s.opts);
    assert.ok((await s.push(t, s.spec(s.alpha), local, 'same-size.txt')).ok);
    const onNode = s.alpha.file('same-size.txt');
    const { mtime } = fs.statSync(onNode);
    fs.writeFileSync(onNode, 'evil bytes'); // same size, same mtime: rsync's quick check skips it
    fs.utimesSync(onNode, mtime, mtime);
    const r = await s.push(t, s.spec(s.alpha), local, 'same-size.txt');
    assert.ok(r.ok && !r.skipped, !r.ok ? r.message : 'reported as skipped');
    assert.equal(fs.readFileSync(onNode, 'utf8'), 'good bytes');
  });


  it('lands paths with spaces, quotes, $(...), backticks and ; under exactly that name, executing nothing', async () => {
    const marker = (i: number) => path.join(s.work, `executed-${i}`);
    const names = [
      'with space/and more.txt',
      `quote'single"double.txt`,
      `$(touch ${marker(1)})`,
      `\`touch ${marker(2)}\``,
      `semi; touch ${marker(3)}; x`,
      'glob *?[a].txt',
      'ünïcødé 文件.txt',
    ];
    const t = new RsyncTransport(s.opts);
    for (const [i, name] of names.entries()) {
      const local = path.join(s.work, `weird-${i}.txt`);
      fs.writeFileSync(local, `content ${i}`);
      const r = await s.push(t, s.spec(s.alpha), local, `odd/${name}`);
      assert.ok(r.ok, !r.ok ? r.message : '');
      assert.equal(fs.readFileSync(path.join(s.alpha.root, 'odd', name), 'utf8'), `content ${i}`, name);
    }
    for (const i of [1, 2, 3]) assert.equal(fs.existsSync(marker(i)), false, `marker ${i} was created: the name was executed`);
  });


  it('with an older rsync here (no --mkpath), makes the directory over ssh first', async () => {
    // Only rsync 3.5 is installed: a wrapper hides --mkpath from its --help, as rsync 3.2.2 would.
    const bin = path.join(s.work, 'old-rsync-bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'rsync'), '#!/bin/sh\nif [ "$1" = --help ]; then /usr/bin/rsync --help | grep -v -e --mkpath; exit 0; fi\nexec /usr/bin/rsync "$@"\n', { mode: 0o755 });
    const local = path.join(s.work, 'old.txt');
    fs.writeFileSync(local, 'old rsync');
    const t = new RsyncTransport({ ...s.opts, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    const r = await s.push(t, s.spec(s.alpha), local, "deep/er dir/it's/old.txt");
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.equal(fs.readFileSync(s.alpha.file("deep/er dir/it's/old.txt"), 'utf8'), 'old rsync');
  });


  it("refuses '../x' before connecting", async () => {
    const local = path.join(s.work, 'escape.txt');
    fs.writeFileSync(local, 'x');
    const r = await s.push(new RsyncTransport(s.opts), s.spec(s.alpha), local, '../x');
    assert.ok(!r.ok);
    assert.equal(r.code, 'path_escapes_base');
    assert.equal(fs.existsSync(path.join(s.alpha.root, '..', 'x')), false);
  });


  it("resolves a ringrift_path starting with '~/' in the node user's home directory", async () => {
    const dirName = `.ringrift-rsync-home-${process.pid}`;
    const home = os.userInfo().homedir;
    const local = path.join(s.work, 'home.txt');
    fs.writeFileSync(local, 'at home');
    try {
      const r = await s.push(new RsyncTransport(s.opts), s.spec(s.alpha, { remoteBase: `~/${dirName}` }), local, 'sub/home.txt');
      assert.ok(r.ok, !r.ok ? r.message : '');
      assert.equal(fs.readFileSync(path.join(home, dirName, 'sub/home.txt'), 'utf8'), 'at home');
      assert.equal(fs.existsSync(path.join(home, '~')), false, "no literal '~' directory");
    } finally {
      fs.rmSync(path.join(home, dirName), { recursive: true, force: true });
    }
  });


  it('works with a key whose path has spaces, quotes and %', async () => {
    const keyDir = path.join(s.work, "key dir's 100%d");
    fs.mkdirSync(keyDir);
    const key = path.join(keyDir, 'my "key" file');
    fs.copyFileSync(s.cluster.clientKey, key);
    fs.chmodSync(key, 0o600);
    const local = path.join(s.work, 'keyed.txt');
    fs.writeFileSync(local, 'keyed');
    const r = await s.push(new RsyncTransport(s.opts), s.spec(s.alpha, { sshKey: key }), local, 'keyed.txt');
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.equal(fs.readFileSync(s.alpha.file('keyed.txt'), 'utf8'), 'keyed');
  });


  it('keeps the old target and a partial when aborted mid-way; the next push resumes and verifies', async () => {
    const size = 12 * 1024 * 1024;
    const local = path.join(s.work, 'resume.bin');
    writeRandomFile(local, size);
    fs.mkdirSync(s.alpha.file('resume'), { recursive: true });
    fs.writeFileSync(s.alpha.file('resume/target.bin'), 'old version');
    const ctl = new AbortController();
    let abortedAt = 0;
    const slow = s.spec(s.alpha, { bandwidthLimitMbps: 16 }); // 2 MB/s: about 6 s for the whole file
    const r = await new RsyncTransport(s.opts).push(slow, { localPath: local, remotePath: 'resume/target.bin' }, (done) => {
      if (done >= 2 * 1024 * 1024 && !abortedAt) {
        abortedAt = Date.now();
        ctl.abort();
      }
    }, ctl.signal);
    assert.ok(!r.ok);
    assert.equal(r.code, 'cancelled');
    assert.ok(Date.now() - abortedAt < 3000, 'the abort is honoured promptly');
    assert.equal(fs.readFileSync(s.alpha.file('resume/target.bin'), 'utf8'), 'old version');
    const partial = s.alpha.file(`resume/${PARTIAL_DIR}/target.bin`);
    // The node's rsync saves the partial as it notices the broken connection.
    for (let i = 0; i < 50 && !fs.existsSync(partial); i++) await new Promise((res) => setTimeout(res, 100));
    assert.ok(fs.statSync(partial).size > 0, 'partial kept on the node');

    const again = await s.push(new RsyncTransport(s.opts), s.spec(s.alpha), local, 'resume/target.bin');
    assert.ok(again.ok, !again.ok ? again.message : '');
    assert.equal(sha256(s.alpha.file('resume/target.bin')), sha256(local));
    assert.ok(again.bytesSent < size, `resumed: sent ${again.bytesSent} of ${size}`);
    assert.equal(fs.existsSync(partial), false);
  });
});
