import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ByteRange } from '../../../../../src/core/byteRanges';
import * as ops from '../../../../../src/core/transports/base64/remoteFileOps';
import * as scripts from '../../../../../src/core/transports/sshRanges/rangedScripts';
import { base64Dialect } from '../../../../../src/core/transports/sshRanges/base64Dialect';
import { rawDialect } from '../../../../../src/core/transports/sshRanges/rawDialect';
import { tempDir } from '../../ssh/keyFixtures';

const MiB = 1 << 20;
/** The local file's mtime as the finish is given it: the landed file takes it, in whole seconds. */
const MTIME = new Date('2024-02-03T04:05:06.789Z');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const NASTY_NAMES = ['with space.bin', "it's.bin", '$(touch MARK_subst).bin', '`touch MARK_tick`.bin', 'a;touch MARK_semi.bin', '-rf', 'dollar$HOME.bin', 'new\nline.bin'];

/** How a range's bytes go on stdin: base64 text (the base64 rung) or the bytes themselves (the rsync rung). */
type Dialect = 'base64' | 'raw';
const DIALECTS = { base64: base64Dialect, raw: rawDialect };

/**
 * The node's side of a ranged SSH push, in both dialects, run as sshd runs it (`/bin/sh -c COMMAND` here, the
 * login shell on a node) against a temp directory: what lands, what the sidecar records, what is
 * refused. Ranges of 1 MiB (the dd block) keep the files small.
 */
describe('core/transports/sshRanges/rangedScripts', () => {
  let home: string;
  beforeEach(() => (home = tempDir('ringrift-ranged-')));
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  const run = (command: string, input: string | Buffer = '') => {
    const r = spawnSync('/bin/sh', ['-c', command], { cwd: home, env: { PATH: process.env.PATH, HOME: home }, input });
    assert.equal(r.status, 0, r.stderr.toString());
    return r.stdout.toString();
  };
  const inspect = (p: scripts.RangedFilePaths, id: scripts.RangedIdentity, rangeBytes = MiB, dialect: Dialect = 'base64') =>
    scripts.parseInspectOutput(run(scripts.inspectCommand(p, id, DIALECTS[dialect].detection)), id.size, rangeBytes);
  const tools = (dialect: Dialect) => ({ decoder: dialect === 'base64' ? ('base64 -d' as const) : undefined, tool: 'sha256sum' as const });
  /** A range command's stdin: its range line, then the bytes (or a prefix of them) as the dialect sends them. */
  const stdinOf = (range: ByteRange, sha256: string, bytes: Buffer, dialect: Dialect) =>
    Buffer.concat([Buffer.from(scripts.rangeLine(range, sha256)), dialect === 'base64' ? Buffer.from(bytes.toString('base64')) : bytes]);
  const sendRange = (p: scripts.RangedFilePaths, file: Buffer, range: ByteRange, expected = sha(file.subarray(range.start, range.end)), dialect: Dialect = 'base64') =>
    scripts.parseRangeOutput(run(scripts.rangeCommand(p, tools(dialect)), stdinOf(range, expected, file.subarray(range.start, range.end), dialect)));
  const look = (p: scripts.RangedFilePaths) => scripts.parseLookOutput(run(scripts.lookCommand(p)));
  /** The finish as a push runs it: the verified prefix's ends as they grew (by default all at once), then the commit. */
  const finishInput = (p: scripts.RangedFilePaths, id: scripts.RangedIdentity, ends = [id.size]) =>
    run(scripts.rangedFinishCommand(p, 'sha256sum', MTIME), ends.map(scripts.prefixLine).join('') + scripts.commitLines(id.sha256));

  it('names its partial and sidecar beside the target, apart from the single-stream partial, under the reserved suffix', () => {
    assert.deepEqual(scripts.rangedFilePaths('/data/m.bin'), {
      target: '/data/m.bin', dir: '/data', streamPartial: '/data/.m.bin.ringrift-partial',
      partial: '/data/.m.bin.ssh-ranged.ringrift-partial', sidecar: '/data/.m.bin.ssh-ranges.ringrift-partial',
    });
    assert.equal(scripts.rangedFilePaths('-rf').partial, './.-rf.ssh-ranged.ringrift-partial');
  });

  it('lands ranges sent out of order under hostile names, base64 or raw; the sidecar records each; nothing in a name runs', function () {
    this.timeout(60_000); // a few dozen shells, under load
    for (const [i, name] of NASTY_NAMES.entries()) {
      const dialect: Dialect = i % 2 ? 'raw' : 'base64'; // both dialects, half the shells
      const p = scripts.rangedFilePaths(`sub dir/${name}`);
      const file = randomBytes(2 * MiB + 12345);
      const id = { size: file.length, sha256: sha(file) };
      const fresh = inspect(p, id, MiB, dialect);
      assert.ok(fresh.shaTool && fresh.ddPresent, `tools found for ${name}`);
      assert.ok(DIALECTS[dialect].decoderOn(fresh).ok, `${dialect} can write ranges for ${name}`);
      assert.equal(fresh.kept, undefined, 'nothing kept yet');
      assert.deepEqual(fresh.start, { ok: true }, 'so the inspect started the transfer');
      assert.equal(fs.statSync(path.join(home, 'sub dir', `.${name}.ssh-ranged.ringrift-partial`)).size, file.length, 'sparse, at full size');
      for (const range of [{ start: 2 * MiB, end: file.length }, { start: 0, end: MiB }, { start: MiB, end: 2 * MiB }]) {
        assert.deepEqual(sendRange(p, file, range, undefined, dialect), { kind: 'ok' }, `${name} ${range.start}`);
      }
      assert.deepEqual(inspect(p, id).kept, [{ start: 2 * MiB, end: file.length }, { start: 0, end: MiB }, { start: MiB, end: 2 * MiB }]);
      assert.deepEqual(ops.parseFinishOutput(finishInput(p, id)), { kind: 'ok' });
      assert.ok(fs.readFileSync(path.join(home, 'sub dir', name)).equals(file), name);
      assert.equal(fs.statSync(path.join(home, 'sub dir', name)).mtime.getTime(), MTIME.getTime() - 789, "the local file's mtime, whole seconds");
    }
    assert.deepEqual(fs.readdirSync(home).filter((f) => f.startsWith('MARK')), []);
    assert.deepEqual(fs.readdirSync(path.join(home, 'sub dir')).sort(), [...NASTY_NAMES].sort(), 'partials and sidecars gone');
  });

  it('a range whose bytes do not hash as announced (or came short: a cut connection) is written but not recorded', () => {
    const p = scripts.rangedFilePaths('m.bin');
    const file = randomBytes(3 * MiB);
    const id = { size: file.length, sha256: sha(file) };
    inspect(p, id);
    const wrong = sendRange(p, file, { start: 0, end: MiB }, 'f'.repeat(64));
    assert.deepEqual(wrong, { kind: 'mismatch', remoteSha: sha(file.subarray(0, MiB)) });
    const second = { start: MiB, end: 2 * MiB };
    const cut = stdinOf(second, sha(file.subarray(MiB, 2 * MiB)), file.subarray(MiB, MiB + 1000 * 3), 'base64');
    assert.equal(scripts.parseRangeOutput(run(scripts.rangeCommand(p, tools('base64')), cut)).kind, 'mismatch');
    const rawCut = stdinOf(second, sha(file.subarray(MiB, 2 * MiB)), file.subarray(MiB, MiB + 4321), 'raw');
    assert.equal(scripts.parseRangeOutput(run(scripts.rangeCommand(p, tools('raw')), rawCut)).kind, 'mismatch', 'a raw prefix too');
    assert.deepEqual(sendRange(p, file, { start: 2 * MiB, end: 3 * MiB }), { kind: 'ok' });
    assert.deepEqual(inspect(p, id).kept, [{ start: 2 * MiB, end: 3 * MiB }]);
  });

  it('keeps ranges only of this very file: a torn or off-grid line counts for nothing; another sha256 or a partial of another size starts afresh', () => {
    const p = scripts.rangedFilePaths('m.bin');
    const file = randomBytes(2 * MiB + 7);
    const id = { size: file.length, sha256: sha(file) };
    inspect(p, id);
    sendRange(p, file, { start: 0, end: MiB });
    const sidecar = path.join(home, '.m.bin.ssh-ranges.ringrift-partial');
    // A torn-off end, a range seen twice, one past the end, a good one, and a last line torn before its newline.
    fs.appendFileSync(sidecar, `${MiB} 2\n0 ${MiB}\n${2 * MiB} ${4 * MiB}\n${2 * MiB} ${file.length}\n${MiB} ${2 * MiB}`);
    assert.deepEqual(inspect(p, id).kept, [{ start: 0, end: MiB }, { start: 0, end: MiB }, { start: 2 * MiB, end: file.length }]);
    assert.deepEqual(inspect(p, id, 2 * MiB).kept, [{ start: 2 * MiB, end: file.length }], 'on a 2 MiB grid only the last counts');
    const other = { ...id, sha256: 'a'.repeat(64) };
    const another = inspect(p, other);
    assert.deepEqual([another.kept, another.start], [undefined, { ok: true }], 'another version of the file: started afresh');
    assert.equal(fs.readFileSync(sidecar, 'utf8'), `ringrift-ranges 1 ${file.length} ${other.sha256}\n`, "the old version's ranges are gone");
    assert.equal(inspect(p, id).kept, undefined, 'and back: nothing of this file is kept either');
    sendRange(p, file, { start: 0, end: MiB });
    fs.truncateSync(path.join(home, '.m.bin.ssh-ranged.ringrift-partial'), 5);
    const resized = inspect(p, id);
    assert.deepEqual([resized.kept, resized.start], [undefined, { ok: true }], 'a partial of another size');
    assert.equal(fs.statSync(path.join(home, '.m.bin.ssh-ranged.ringrift-partial')).size, file.length, 'made again at full size');
  });

  it('says why it could not start a transfer afresh (dd\'s own words), and does not start one over a directory target', () => {
    const p = scripts.rangedFilePaths('m.bin');
    const id = { size: 3 * MiB, sha256: 'b'.repeat(64) };
    fs.mkdirSync(path.join(home, '.m.bin.ssh-ranged.ringrift-partial'));
    const blocked = inspect(p, id);
    assert.equal(blocked.kept, undefined);
    assert.ok(blocked.start && !blocked.start.ok && /directory/i.test(blocked.start.text), JSON.stringify(blocked.start));
    fs.rmdirSync(path.join(home, '.m.bin.ssh-ranged.ringrift-partial'));
    fs.mkdirSync(path.join(home, 'm.bin'));
    const dirTarget = inspect(p, id);
    assert.deepEqual([dirTarget.targetIsDir, dirTarget.start], [true, undefined]);
    assert.deepEqual(fs.readdirSync(home), ['m.bin'], 'nothing made beside it');
  });

  it('finish: a partial that does not hash right is dropped with its sidecar, the old target intact; a directory target is refused', () => {
    const p = scripts.rangedFilePaths('m.bin');
    const file = randomBytes(MiB + 1);
    file[MiB] = 1; // never sent: the sparse partial holds a zero there
    const id = { size: file.length, sha256: sha(file) };
    fs.writeFileSync(path.join(home, 'm.bin'), 'old');
    inspect(p, id);
    sendRange(p, file, { start: 0, end: MiB });
    const out = ops.parseFinishOutput(finishInput(p, id));
    assert.equal(out.kind, 'mismatch');
    assert.deepEqual(fs.readdirSync(home), ['m.bin']);
    assert.equal(fs.readFileSync(path.join(home, 'm.bin'), 'utf8'), 'old');
    fs.rmSync(path.join(home, 'm.bin'));
    fs.mkdirSync(path.join(home, 'm.bin'));
    assert.equal(inspect(p, id).targetIsDir, true);
    assert.deepEqual(ops.parseFinishOutput(finishInput(p, id)), { kind: 'target_is_dir' });
  });

  it("inspect keeping an older target (rsync's): something at the target and nothing of this transfer kept starts nothing; kept ranges still count", () => {
    const p = scripts.rangedFilePaths('m.bin');
    const file = randomBytes(2 * MiB);
    const id = { size: file.length, sha256: sha(file) };
    const keep = () => scripts.parseInspectOutput(run(scripts.inspectCommand(p, id, DIALECTS.raw.detection, 'keep')), id.size, MiB);
    const none = keep();
    assert.deepEqual([none.targetExists, none.start], [false, { ok: true }], 'no target: started');
    fs.rmSync(path.join(home, '.m.bin.ssh-ranged.ringrift-partial'));
    fs.rmSync(path.join(home, '.m.bin.ssh-ranges.ringrift-partial'));
    fs.writeFileSync(path.join(home, 'm.bin'), 'older');
    const older = keep();
    assert.deepEqual([older.targetExists, older.start, older.kept], [true, undefined, undefined]);
    assert.deepEqual(fs.readdirSync(home), ['m.bin'], 'nothing started beside it');
    inspect(p, id); // base64's inspect replaces: it starts the transfer beside the older file
    sendRange(p, file, { start: 0, end: MiB });
    const resumed = keep();
    assert.deepEqual([resumed.targetExists, resumed.kept], [false, [{ start: 0, end: MiB }]], "this transfer's ranges: resumed over the older file");
  });

  it('finish: hashes the prefix as its end grows, in steps; stdin ending before the commit changes nothing and prints nothing', () => {
    const p = scripts.rangedFilePaths('m.bin');
    const file = randomBytes(3 * MiB + 7);
    const id = { size: file.length, sha256: sha(file) };
    fs.writeFileSync(path.join(home, 'm.bin'), 'old');
    inspect(p, id);
    for (const range of [{ start: 0, end: MiB }, { start: 2 * MiB, end: 3 * MiB }, { start: MiB, end: 2 * MiB }, { start: 3 * MiB, end: file.length }]) sendRange(p, file, range);
    const command = scripts.rangedFinishCommand(p, 'sha256sum', MTIME);
    for (const stopped of ['', scripts.prefixLine(MiB), `${scripts.prefixLine(MiB)}${scripts.prefixLine(3 * MiB)}end\n`]) {
      assert.equal(run(command, stopped), '', JSON.stringify(stopped));
    }
    assert.equal(fs.readFileSync(path.join(home, 'm.bin'), 'utf8'), 'old', 'no commit: the target untouched');
    assert.deepEqual(inspect(p, id).kept?.length, 4, 'and the ranges kept');
    assert.equal(run(command, `${scripts.prefixLine(file.length)}end\ncommit $(touch MARK)\n`).trim(), 'bad commit line');
    assert.deepEqual(ops.parseFinishOutput(finishInput(p, id, [MiB, MiB, 3 * MiB, file.length])), { kind: 'ok' });
    assert.ok(fs.readFileSync(path.join(home, 'm.bin')).equals(file));
    assert.deepEqual(fs.readdirSync(home).sort(), ['m.bin']);
  });

  it('a full disk in dd reads as a write error', () => {
    assert.deepEqual(scripts.parseRangeOutput('write-error=dd: error writing \'x\': No space left on device\n'), { kind: 'write_error', text: 'dd: error writing \'x\': No space left on device' });
    assert.deepEqual(scripts.parseRangeOutput('garbage'), { kind: 'unexpected', text: 'garbage' });
  });

  it('refuses a range line off the dd grid or with a sha256 that is not hex; the command takes only numbers and hex from it', () => {
    assert.throws(() => scripts.rangeLine({ start: 5, end: MiB }, 'a'.repeat(64)));
    assert.throws(() => scripts.rangeLine({ start: 0, end: MiB }, "'; touch x '"));
    const p = scripts.rangedFilePaths('m.bin');
    const file = randomBytes(MiB);
    inspect(p, { size: file.length, sha256: sha(file) });
    for (const line of ['0 $(touch MARK) ' + 'a'.repeat(64), `0 ${MiB} `, `0 ${MiB} ;touch MARK`]) {
      assert.deepEqual(scripts.parseRangeOutput(run(scripts.rangeCommand(p, tools('raw')), `${line}\n`)), { kind: 'unexpected', text: 'bad range line' });
    }
    assert.deepEqual(fs.readdirSync(home).filter((f) => f.startsWith('MARK')), []);
  });

  it('a command closed before its range line (its stream stopped) writes nothing, prints nothing, exits 0', () => {
    const p = scripts.rangedFilePaths('m.bin');
    const file = randomBytes(MiB);
    const id = { size: file.length, sha256: sha(file) };
    inspect(p, id);
    for (const input of ['', '0 1048'] as const) {
      for (const dialect of ['raw', 'base64'] as const) assert.equal(run(scripts.rangeCommand(p, tools(dialect)), input), '');
    }
    assert.deepEqual(inspect(p, id).kept, []);
    assert.ok(fs.readFileSync(path.join(home, '.m.bin.ssh-ranged.ringrift-partial')).equals(Buffer.alloc(MiB)), 'the sparse partial untouched');
  });

  it('ranges one dialect recorded are kept for the other: the partial holds the file either way', () => {
    const p = scripts.rangedFilePaths('m.bin');
    const file = randomBytes(3 * MiB + 99);
    const id = { size: file.length, sha256: sha(file) };
    inspect(p, id);
    assert.deepEqual(sendRange(p, file, { start: MiB, end: 2 * MiB }, undefined, 'base64'), { kind: 'ok' });
    const raw = inspect(p, id, MiB, 'raw');
    assert.deepEqual(raw.kept, [{ start: MiB, end: 2 * MiB }]);
    assert.equal(raw.base64Present, false, 'the raw inspect does not look for base64');
    for (const range of [{ start: 0, end: MiB }, { start: 2 * MiB, end: 3 * MiB }, { start: 3 * MiB, end: file.length }]) {
      assert.deepEqual(sendRange(p, file, range, undefined, 'raw'), { kind: 'ok' });
    }
    assert.deepEqual(ops.parseFinishOutput(finishInput(p, id)), { kind: 'ok' });
    assert.ok(fs.readFileSync(path.join(home, 'm.bin')).equals(file));
  });

  it('the look before choosing: what the target is, dd, and which file a ranged partial holds (only at its full size)', () => {
    const p = scripts.rangedFilePaths('sub/m.bin');
    assert.deepEqual(look(p), { target: 'none', ddPresent: true, ranged: undefined });
    const file = randomBytes(MiB + 5);
    const id = { size: file.length, sha256: sha(file) };
    fs.mkdirSync(path.join(home, 'sub'));
    inspect(p, id);
    assert.deepEqual(look(p), { target: 'none', ddPresent: true, ranged: id });
    fs.writeFileSync(path.join(home, 'sub/m.bin'), 'older');
    assert.deepEqual(look(p), { target: 'file', ddPresent: true, ranged: id });
    fs.truncateSync(path.join(home, 'sub/.m.bin.ssh-ranged.ringrift-partial'), 5);
    assert.equal(look(p)?.ranged, undefined, 'a partial cut short holds no transfer');
    fs.rmSync(path.join(home, 'sub/m.bin'));
    fs.mkdirSync(path.join(home, 'sub/m.bin'));
    assert.equal(look(p)?.target, 'dir');
    assert.equal(scripts.parseLookOutput('dd=present\n'), undefined, 'no word on the target: no choice made on it');
  });
});
