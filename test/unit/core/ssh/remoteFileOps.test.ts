import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ops from '../../../../src/core/ssh/remoteFileOps';
import { tempDir } from './keyFixtures';

/** Runs a remote command the way sshd does: the login shell with -c, here bash in a temp HOME. */
function runAsNode(command: string, home: string, stdin?: string): string {
  return execFileSync('/bin/bash', ['-c', command], { cwd: home, env: { PATH: process.env.PATH, HOME: home }, input: stdin }).toString();
}

const NASTY_NAMES = ["with space.bin", "it's.bin", '$(touch MARK_subst).bin', '`touch MARK_tick`.bin', 'a;touch MARK_semi.bin', '-rf', 'dollar$HOME.bin'];

describe('core/ssh/remoteFileOps', () => {
  let home: string;
  beforeEach(() => (home = tempDir('ringrift-remoteops-')));
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('puts the partial beside the target as .<name>.ringrift-partial, relative paths behind ./', () => {
    assert.deepEqual(ops.remoteFilePaths('/data/models/m.bin'), { target: '/data/models/m.bin', partial: '/data/models/.m.bin.ringrift-partial', dir: '/data/models' });
    assert.deepEqual(ops.remoteFilePaths('-rf'), { target: './-rf', partial: './.-rf.ringrift-partial', dir: '.' });
    assert.equal(ops.remoteFilePaths('~/ringrift/x').partial, '~/ringrift/.x.ringrift-partial');
  });

  it('prepare, append and finish land a file under exactly its name, and no part of a name ever runs', () => {
    for (const name of NASTY_NAMES) {
      const paths = ops.remoteFilePaths(`sub dir/${name}`);
      const report = ops.parsePrepareOutput(runAsNode(ops.prepareCommand(paths), home));
      assert.equal(report.mkdirError, undefined);
      assert.equal(report.partialSize, undefined);
      assert.ok(report.base64Present && report.decodeFlag && report.shaTool, `tools found for ${name}`);
      assert.ok((report.freeBytes ?? 0) > 0);
      const content = `content of ${name}\n`;
      runAsNode(ops.appendChunkCommand(paths), home, `${report.decodeFlag}\n${Buffer.from(content).toString('base64')}`);
      assert.equal(ops.parsePrepareOutput(runAsNode(ops.prepareCommand(paths), home)).partialSize, content.length);
      const sha = createHash('sha256').update(content).digest('hex');
      assert.deepEqual(ops.parseFinishOutput(runAsNode(ops.finishCommand(paths, report.shaTool!), home, sha + '\n')), { kind: 'ok' });
      assert.equal(fs.readFileSync(path.join(home, 'sub dir', name), 'utf8'), content);
    }
    assert.deepEqual(fs.readdirSync(home).filter((f) => f.startsWith('MARK')), []);
    assert.deepEqual(fs.readdirSync(path.join(home, 'sub dir')).sort(), [...NASTY_NAMES].sort());
  });

  it('gated commands write nothing until their first line comes, and refuse a bad one', () => {
    const paths = ops.remoteFilePaths('gated.bin');
    const status = (cmd: string, input: string) => {
      try {
        runAsNode(cmd, home, input);
        return 0;
      } catch (err) {
        return (err as { status: number }).status;
      }
    };
    assert.equal(status(ops.appendChunkCommand(paths), ''), 3);
    assert.equal(status(ops.appendChunkCommand(paths), '-x\nQUJD'), 3);
    assert.equal(status(ops.finishCommand(paths, 'sha256sum'), '$(touch MARK_finish)\n'), 3);
    assert.deepEqual(fs.readdirSync(home), []);
    runAsNode(ops.appendChunkCommand(paths), home, '-d\nQUJD');
    assert.equal(fs.readFileSync(path.join(home, '.gated.bin.ringrift-partial'), 'utf8'), 'ABC');
  });

  it('expands a leading ~/ to the node HOME and nothing else', () => {
    const paths = ops.remoteFilePaths('~/base/$HOME/f');
    runAsNode(ops.prepareCommand(paths), home);
    assert.ok(fs.statSync(path.join(home, 'base', '$HOME')).isDirectory());
  });

  it('finish drops the partial on a sha256 mismatch and leaves the old target alone', () => {
    const paths = ops.remoteFilePaths('target.bin');
    fs.writeFileSync(path.join(home, 'target.bin'), 'old');
    fs.writeFileSync(path.join(home, '.target.bin.ringrift-partial'), 'new');
    const out = ops.parseFinishOutput(runAsNode(ops.finishCommand(paths, 'sha256sum'), home, '0'.repeat(64) + '\n'));
    assert.deepEqual(out, { kind: 'mismatch', remoteSha: createHash('sha256').update('new').digest('hex') });
    assert.equal(fs.readFileSync(path.join(home, 'target.bin'), 'utf8'), 'old');
    assert.ok(!fs.existsSync(path.join(home, '.target.bin.ringrift-partial')));
  });

  it('finish creates an empty file for a zero-byte push, and refuses a directory target', () => {
    const empty = createHash('sha256').digest('hex');
    assert.deepEqual(ops.parseFinishOutput(runAsNode(ops.finishCommand(ops.remoteFilePaths('empty'), 'sha256sum'), home, empty + '\n')), { kind: 'ok' });
    assert.equal(fs.statSync(path.join(home, 'empty')).size, 0);
    fs.mkdirSync(path.join(home, 'adir'));
    const paths = ops.remoteFilePaths('adir');
    assert.equal(ops.parsePrepareOutput(runAsNode(ops.prepareCommand(paths), home)).targetIsDir, true);
    assert.deepEqual(ops.parseFinishOutput(runAsNode(ops.finishCommand(paths, 'sha256sum'), home, empty + '\n')), { kind: 'target_is_dir' });
  });

  it('reports a directory it cannot create', () => {
    fs.writeFileSync(path.join(home, 'file'), '');
    const report = ops.parsePrepareOutput(runAsNode(ops.prepareCommand(ops.remoteFilePaths('file/sub/x')), home));
    assert.match(report.mkdirError ?? '', /file/);
  });

  it('reads the Available column of df -Pk on Linux and macOS', () => {
    assert.equal(ops.parseDfLine('/dev/sda1        102400   2048     51200      4% /'), 51200 * 1024);
    assert.equal(ops.parseDfLine('/dev/disk3s5  971350180 500000000 400000000    56%    /System/Volumes/Data'), 400000000 * 1024);
    assert.equal(ops.parseDfLine('map auto_home 0 0 0 100% /System/Volumes/Data/home'), 0);
    assert.equal(ops.parseDfLine('garbage'), undefined);
  });

  it('parses prepare output with a resumable partial, shasum and base64 -D (macOS)', () => {
    const r = ops.parsePrepareOutput('partial=    1234\nsha=shasum\nbase64=present\ndecode=-D\ndf=/dev/disk1 100 50 40 50% /\n');
    assert.deepEqual(r, { partialSize: 1234, targetIsDir: false, shaTool: 'shasum', decodeFlag: '-D', base64Present: true, freeBytes: 40 * 1024, mkdirError: undefined });
  });

  it('probe command answers ok and names the tools', () => {
    const out = runAsNode(ops.PROBE_COMMAND, home);
    assert.match(out, /^ok$/m);
    assert.match(out, /^base64=present$/m);
    assert.match(out, /^sha=sha256sum$/m);
  });
});
