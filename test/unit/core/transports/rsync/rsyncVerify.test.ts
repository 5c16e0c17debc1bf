import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterFailureScript, parseAfterFailure, parseHashOutput, parsePartialSize, partialSizeScript, remoteHashScript, remoteMkdirScript, rsyncPartialPath } from '../../../../../src/core/transports/rsync/rsyncVerify';

const HEX = 'a'.repeat(16) + '0123456789abcdef'.repeat(3);

describe('rsyncVerify', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-verify-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the hash from openssl, sha256sum and shasum output', () => {
    assert.equal(parseHashOutput(`SHA2-256(stdin)= ${HEX}\n`), HEX);
    assert.equal(parseHashOutput(`(stdin)= ${HEX.toUpperCase()}\n`), HEX);
    assert.equal(parseHashOutput(`${HEX}  -\n`), HEX);
    assert.equal(parseHashOutput('sha256sum: -: Input/output error\n'), undefined);
  });

  // The script runs in the node's login shell; /bin/sh here stands in for it (same POSIX shell).
  const runScript = (script: string, input: string, env: NodeJS.ProcessEnv = {}) =>
    spawnSync('/bin/sh', ['-c', script], { input, encoding: 'utf8', cwd: dir, env: { PATH: process.env.PATH, HOME: dir, ...env } });
  // Leaves the event loop free for what the test does on the node's side meanwhile.
  const runScriptAsync = (script: string) =>
    new Promise<string>((resolve, reject) => {
      execFile('/bin/sh', ['-c', script], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir } }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    });

  it('hashes a file whose name would run commands in a shell, only after "go"', () => {
    const name = `it's $(touch pwned) \`touch pwned2\`; a.bin`;
    fs.writeFileSync(path.join(dir, name), 'payload');
    const expected = createHash('sha256').update('payload').digest('hex');
    const r = runScript(remoteHashScript(path.join(dir, name)), 'go\n');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(parseHashOutput(r.stdout), expected);
    assert.deepEqual(fs.readdirSync(dir), [name], 'nothing executed');
    const stopped = runScript(remoteHashScript(path.join(dir, name)), '');
    assert.equal(stopped.status, 3, 'no go line: no hashing');
  });

  it("prints the size of rsync's partial (0 without one) before waiting for go, for any name", () => {
    const name = `it's $(touch pwned); b.bin`;
    const target = path.join(dir, name);
    assert.equal(rsyncPartialPath(target), path.join(dir, '.ringrift-partial', name));
    assert.equal(parsePartialSize(runScript(remoteHashScript(target), '').stdout), 0);
    fs.mkdirSync(path.join(dir, '.ringrift-partial'));
    fs.writeFileSync(rsyncPartialPath(target), Buffer.alloc(12345));
    const before = runScript(remoteHashScript(target), '');
    assert.equal(before.status, 3, 'still no hashing without go');
    assert.equal(parsePartialSize(before.stdout), 12345);
    assert.equal(parsePartialSize(runScript(partialSizeScript(target), '').stdout), 12345);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['.ringrift-partial'], 'nothing executed');
  });

  it('after a failure: the partial and the free space where the file lands, for any name', () => {
    const name = `it's $(touch pwned); c.bin`;
    const target = path.join(dir, name);
    fs.mkdirSync(path.join(dir, '.ringrift-partial'));
    fs.writeFileSync(rsyncPartialPath(target), Buffer.alloc(777));
    const r = runScript(afterFailureScript(target), '');
    assert.equal(r.status, 0, r.stderr);
    const got = parseAfterFailure(r.stdout);
    assert.equal(got.partial, 777);
    assert.ok(got.freeBytes !== undefined && got.freeBytes > 0, r.stdout);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['.ringrift-partial'], 'nothing executed');
    assert.deepEqual(parseAfterFailure('partial=0\n'), { partial: 0 }, 'no df: no free figure');
  });

  it("reads the partial once rsync's receiver has moved its temp file there", async () => {
    const name = `it's $(touch pwned); d.bin`;
    const target = path.join(dir, name);
    const temp = path.join(dir, `.${name}.Ab12Cd`);
    fs.mkdirSync(path.join(dir, '.ringrift-partial'));
    fs.writeFileSync(temp, Buffer.alloc(4321));
    // The receiver learns of the reset later than the client: it keeps its bytes 400 ms from now.
    setTimeout(() => fs.renameSync(temp, rsyncPartialPath(target)), 400);
    const r = await runScriptAsync(afterFailureScript(target));
    assert.equal(parseAfterFailure(r).partial, 4321, r);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['.ringrift-partial'], 'nothing executed');
  });

  it("resolves '~/' in the node user's HOME and says when the file is missing", () => {
    fs.writeFileSync(path.join(dir, 'home file'), 'h');
    const ok = runScript(remoteHashScript('~/home file'), 'go\n');
    assert.equal(parseHashOutput(ok.stdout), createHash('sha256').update('h').digest('hex'));
    const missing = runScript(remoteHashScript('~/nope'), 'go\n');
    assert.equal(missing.status, 4);
    assert.match(missing.stderr, /is not there/);
  });

  it('falls back to sha256sum when openssl is absent', () => {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    for (const tool of ['sha256sum', 'cat']) fs.symlinkSync(spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim(), path.join(bin, tool));
    fs.writeFileSync(path.join(dir, 'f'), 'x');
    const r = runScript(remoteHashScript(path.join(dir, 'f')), 'go\n', { PATH: bin });
    assert.equal(parseHashOutput(r.stdout), createHash('sha256').update('x').digest('hex'));
  });

  it('makes the parent directory, quoted', () => {
    const script = remoteMkdirScript(path.join(dir, "a b/c'd/file.bin"));
    assert.equal(runScript(script, '').status, 0);
    assert.ok(fs.statSync(path.join(dir, "a b/c'd")).isDirectory());
  });
});
