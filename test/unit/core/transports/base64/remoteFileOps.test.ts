import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ops from '../../../../../src/core/transports/base64/remoteFileOps';
import { tempDir } from '../../ssh/keyFixtures';

/** Runs a remote command the way sshd does: the login shell with -c, here bash in a temp HOME. */
function runAsNode(command: string, home: string, stdin?: string): string {
  return execFileSync('/bin/bash', ['-c', command], { cwd: home, env: { PATH: process.env.PATH, HOME: home }, input: stdin }).toString();
}

/** The prepare step, answered with `gate` (or nothing: the push refused, exit 3). */
function prepare(paths: ops.RemoteFilePaths, home: string, gate = ''): { report: ops.PrepareReport; status: number | null } {
  const r = spawnSync('/bin/bash', ['-c', ops.prepareCommand(paths)], { cwd: home, env: { PATH: process.env.PATH, HOME: home }, input: gate });
  return { report: ops.parsePrepareOutput(r.stdout.toString()), status: r.status };
}

const NASTY_NAMES = ["with space.bin", "it's.bin", '$(touch MARK_subst).bin', '`touch MARK_tick`.bin', 'a;touch MARK_semi.bin', '-rf', 'dollar$HOME.bin'];

describe('core/transports/base64/remoteFileOps', () => {
  let home: string;
  beforeEach(() => (home = tempDir('ringrift-remoteops-')));
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('puts the partial beside the target as .<name>.ringrift-partial, relative paths behind ./', () => {
    assert.deepEqual(ops.remoteFilePaths('/data/models/m.bin'), { target: '/data/models/m.bin', partial: '/data/models/.m.bin.ringrift-partial', dir: '/data/models' });
    assert.deepEqual(ops.remoteFilePaths('-rf'), { target: './-rf', partial: './.-rf.ringrift-partial', dir: '.' });
    assert.equal(ops.remoteFilePaths('~/ringrift/x').partial, '~/ringrift/.x.ringrift-partial');
  });

  it('prepare, append and finish land a file under exactly its name, and no part of a name ever runs', function () {
    // Dozens of shells, one after another: seconds on a quiet machine, over ten under load.
    this.timeout(60_000);
    for (const name of NASTY_NAMES) {
      const paths = ops.remoteFilePaths(`sub dir/${name}`);
      const { report, status } = prepare(paths, home);
      assert.equal(status, 3, 'no gate: nothing appended');
      assert.equal(report.mkdirError, undefined);
      assert.equal(report.partialSize, undefined);
      assert.ok(report.base64Present && report.decodeFlag && report.shaTool, `tools found for ${name}`);
      assert.ok((report.freeBytes ?? 0) > 0);
      const content = `content of ${name}\n`;
      const half = content.length - (content.length % 3 || 3);
      prepare(paths, home, ops.gateLine('-d', 'append', 'sha256sum') + Buffer.from(content.slice(0, half)).toString('base64'));
      runAsNode(ops.appendChunkCommand(paths), home, ops.gateLine(report.decodeFlag!, 'append', report.shaTool!) + Buffer.from(content.slice(half)).toString('base64'));
      assert.equal(prepare(paths, home).report.partialSize, content.length);
      const sha = createHash('sha256').update(content).digest('hex');
      assert.deepEqual(ops.parseFinishOutput(runAsNode(ops.finishCommand(paths, report.shaTool!), home, ops.finishLine(sha))), { kind: 'ok' });
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
    assert.equal(status(ops.appendChunkCommand(paths), '-x append sha256sum\nQUJD'), 3);
    assert.equal(status(ops.appendChunkCommand(paths), '-d append md5sum\nQUJD'), 3);
    assert.equal(status(ops.finishCommand(paths, 'sha256sum'), `${'a'.repeat(64)} verified 12x\n`), 3);
    assert.equal(status(ops.appendChunkCommand(paths), '-d $(touch MARK_gate) sha256sum\nQUJD'), 3);
    assert.equal(status(ops.finishCommand(paths, 'sha256sum'), '$(touch MARK_finish)\n'), 3);
    assert.deepEqual(fs.readdirSync(home), []);
    runAsNode(ops.appendChunkCommand(paths), home, ops.gateLine('-d', 'append', 'sha256sum') + 'QUJD');
    assert.equal(fs.readFileSync(path.join(home, '.gated.bin.ringrift-partial'), 'utf8'), 'ABC');
    runAsNode(ops.appendChunkCommand(paths), home, ops.gateLine('-d', 'restart', 'sha256sum') + 'REVG');
    assert.equal(fs.readFileSync(path.join(home, '.gated.bin.ringrift-partial'), 'utf8'), 'DEF', 'restart drops the old partial');
  });

  it("'whole' mode writes and hashes on the node in one pass; the finish then checks the size only", () => {
    const paths = ops.remoteFilePaths('whole.bin');
    const data = Buffer.from('the whole file, in one exec\n');
    const sha = createHash('sha256').update(data).digest('hex');
    fs.writeFileSync(path.join(home, '.whole.bin.ringrift-partial'), 'stale partial, dropped first');
    for (const tool of ['openssl', 'sha256sum'] as const) {
      const out = runAsNode(ops.appendChunkCommand(paths), home, ops.gateLine('-d', 'whole', tool) + data.toString('base64'));
      assert.deepEqual(ops.parseWholeOutput(out), { sha256: sha, size: data.length }, tool);
    }
    const wrongSize = ops.parseFinishOutput(runAsNode(ops.finishCommand(paths, 'sha256sum'), home, ops.finishLine(sha, data.length + 1)));
    assert.deepEqual(wrongSize, { kind: 'mismatch', remoteSha: 'size-differs' });
    assert.ok(!fs.existsSync(path.join(home, '.whole.bin.ringrift-partial')), 'a failed finish drops the partial');
    runAsNode(ops.appendChunkCommand(paths), home, ops.gateLine('-d', 'whole', 'sha256sum') + data.toString('base64'));
    assert.deepEqual(ops.parseFinishOutput(runAsNode(ops.finishCommand(paths, 'sha256sum'), home, ops.finishLine(sha, data.length))), { kind: 'ok' });
    assert.deepEqual(fs.readFileSync(path.join(home, 'whole.bin')), data);
  });

  it('expands a leading ~/ to the node HOME and nothing else', () => {
    const paths = ops.remoteFilePaths('~/base/$HOME/f');
    prepare(paths, home);
    assert.ok(fs.statSync(path.join(home, 'base', '$HOME')).isDirectory());
  });

  it('finish drops the partial on a sha256 mismatch and leaves the old target alone', () => {
    const paths = ops.remoteFilePaths('target.bin');
    fs.writeFileSync(path.join(home, 'target.bin'), 'old');
    fs.writeFileSync(path.join(home, '.target.bin.ringrift-partial'), 'new');
    const out = ops.parseFinishOutput(runAsNode(ops.finishCommand(paths, 'sha256sum'), home, ops.finishLine('0'.repeat(64))));
    assert.deepEqual(out, { kind: 'mismatch', remoteSha: createHash('sha256').update('new').digest('hex') });
    assert.equal(fs.readFileSync(path.join(home, 'target.bin'), 'utf8'), 'old');
    assert.ok(!fs.existsSync(path.join(home, '.target.bin.ringrift-partial')));
  });

  it('finish verifies with each sha256 tool the node may have (openssl, sha256sum, shasum)', () => {
    const tools = (['openssl', 'sha256sum', 'shasum'] as const).filter((t) => runAsNode(`command -v ${t} || true`, home).trim());
    assert.ok(tools.includes('sha256sum'));
    for (const tool of tools) {
      fs.writeFileSync(path.join(home, `.${tool}.ringrift-partial`), `data for ${tool}`);
      const sha = createHash('sha256').update(`data for ${tool}`).digest('hex');
      assert.deepEqual(ops.parseFinishOutput(runAsNode(ops.finishCommand(ops.remoteFilePaths(tool), tool), home, ops.finishLine(sha))), { kind: 'ok' }, tool);
    }
  });

  it('finish creates an empty file for a zero-byte push, and refuses a directory target', () => {
    const empty = createHash('sha256').digest('hex');
    assert.deepEqual(ops.parseFinishOutput(runAsNode(ops.finishCommand(ops.remoteFilePaths('empty'), 'sha256sum'), home, ops.finishLine(empty))), { kind: 'ok' });
    assert.equal(fs.statSync(path.join(home, 'empty')).size, 0);
    fs.mkdirSync(path.join(home, 'adir'));
    const paths = ops.remoteFilePaths('adir');
    assert.equal(prepare(paths, home).report.targetIsDir, true);
    assert.deepEqual(ops.parseFinishOutput(runAsNode(ops.finishCommand(paths, 'sha256sum'), home, ops.finishLine(empty))), { kind: 'target_is_dir' });
  });

  it('reports a directory it cannot create', () => {
    fs.writeFileSync(path.join(home, 'file'), '');
    const { report, status } = prepare(ops.remoteFilePaths('file/sub/x'), home);
    assert.match(report.mkdirError ?? '', /file/);
    assert.equal(status, 0, 'ends at once, no gate awaited');
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
