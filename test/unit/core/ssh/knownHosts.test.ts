import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { appendKnownHost, checkHostKey, fingerprintOf, removeKnownHostLine } from '../../../../src/core/ssh/knownHosts';
import { makeKey, tempDir, type TestKey } from './keyFixtures';

describe('core/ssh/knownHosts', () => {
  let dir: string;
  let ed: TestKey;
  let other: TestKey;
  let rsa: TestKey;
  const write = (name: string, lines: string[]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    return file;
  };

  before(() => {
    dir = tempDir('ringrift-kh-');
    ed = makeKey(dir, 'ed');
    other = makeKey(dir, 'other');
    rsa = makeKey(dir, 'rsa', 'rsa');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('fingerprintOf', () => {
    it('equals ssh-keygen -lf for ed25519 and rsa keys, from base64 or a Buffer', () => {
      assert.equal(fingerprintOf(ed.base64), ed.fingerprint);
      assert.equal(fingerprintOf(Buffer.from(rsa.base64, 'base64')), rsa.fingerprint);
      assert.doesNotMatch(fingerprintOf(ed.base64), /=$/);
    });
  });

  describe('checkHostKey', () => {
    it('matches a plain [host]:port entry and reports its line, past comments and blank lines', async () => {
      const file = write('plain', ['# cluster nodes', '', `[127.0.0.5]:2222 ${ed.type} ${ed.base64}`]);
      assert.deepEqual(await checkHostKey(file, '127.0.0.5', 2222, ed.type, ed.base64), { status: 'match', line: 3 });
    });

    it('writes port 22 without brackets, and a bracketed entry does not match another port', async () => {
      const file = write('ports', [`node-a ${ed.type} ${ed.base64}`, `[node-b]:2200 ${ed.type} ${ed.base64}`]);
      assert.equal((await checkHostKey(file, 'node-a', 22, ed.type, ed.base64)).status, 'match');
      assert.equal((await checkHostKey(file, 'node-a', 2222, ed.type, ed.base64)).status, 'unknown');
      assert.equal((await checkHostKey(file, 'node-b', 22, ed.type, ed.base64)).status, 'unknown');
    });

    it('matches any name of a comma list, case-insensitively', async () => {
      const file = write('comma', [`gpu-1,10.0.0.1,[10.0.0.1]:2222 ${ed.type} ${ed.base64}`]);
      assert.equal((await checkHostKey(file, 'GPU-1', 22, ed.type, ed.base64)).status, 'match');
      assert.equal((await checkHostKey(file, '10.0.0.1', 2222, ed.type, ed.base64)).status, 'match');
    });

    it('matches hashed entries made by ssh-keygen -H, for port 22 and a bracketed port', async () => {
      const file = write('hashed', [`[127.0.0.5]:2222 ${ed.type} ${ed.base64}`, `gpu-7 ${other.type} ${other.base64}`]);
      execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
      assert.match(fs.readFileSync(file, 'utf8'), /^\|1\|/);
      assert.deepEqual(await checkHostKey(file, '127.0.0.5', 2222, ed.type, ed.base64), { status: 'match', line: 1 });
      assert.equal((await checkHostKey(file, 'gpu-7', 22, other.type, other.base64)).status, 'match');
      assert.equal((await checkHostKey(file, '127.0.0.6', 2222, ed.type, ed.base64)).status, 'unknown');
    });

    it('reports a changed key with the line to remove and the fingerprint it held', async () => {
      const file = write('changed', ['# old', `[127.0.0.5]:2222 ${ed.type} ${ed.base64}`]);
      assert.deepEqual(await checkHostKey(file, '127.0.0.5', 2222, other.type, other.base64), {
        status: 'changed', file, line: 2, knownFingerprint: ed.fingerprint,
      });
    });

    it('treats a known key of another type as unknown, not changed', async () => {
      const file = write('othertype', [`gpu-1 ${rsa.type} ${rsa.base64}`]);
      assert.equal((await checkHostKey(file, 'gpu-1', 22, ed.type, ed.base64)).status, 'unknown');
    });

    it('refuses a key marked @revoked even when a plain line also lists it', async () => {
      const file = write('revoked', [`gpu-1 ${ed.type} ${ed.base64}`, `@revoked * ${ed.type} ${ed.base64}`]);
      assert.deepEqual(await checkHostKey(file, 'gpu-1', 22, ed.type, ed.base64), { status: 'revoked', file, line: 2 });
    });

    it('ignores @cert-authority lines for plain host keys', async () => {
      const file = write('ca', [`@cert-authority *.cluster ${other.type} ${other.base64}`]);
      assert.equal((await checkHostKey(file, 'gpu.cluster', 22, ed.type, ed.base64)).status, 'unknown');
    });

    it('honours !negation and the * and ? wildcards', async () => {
      const file = write('wild', [`*.cluster,!bad.cluster ${ed.type} ${ed.base64}`, `[127.0.0.?]:2222 ${other.type} ${other.base64}`]);
      assert.equal((await checkHostKey(file, 'gpu-3.cluster', 22, ed.type, ed.base64)).status, 'match');
      assert.equal((await checkHostKey(file, 'bad.cluster', 22, ed.type, ed.base64)).status, 'unknown');
      assert.equal((await checkHostKey(file, '127.0.0.7', 2222, other.type, other.base64)).status, 'match');
      assert.equal((await checkHostKey(file, '127.0.0.17', 2222, other.type, other.base64)).status, 'unknown');
    });

    it('treats a missing file as unknown and an unreadable one as unreadable', async () => {
      assert.deepEqual(await checkHostKey(path.join(dir, 'absent'), 'h', 22, ed.type, ed.base64), { status: 'unknown' });
      const r = await checkHostKey(dir, 'h', 22, ed.type, ed.base64); // a directory: EISDIR
      assert.equal(r.status, 'unreadable');
    });
  });

  describe('appendKnownHost', () => {
    it('creates the directory and a 0600 file with a plain entry that ssh-keygen -F finds', async () => {
      const file = path.join(dir, 'new', '.ssh', 'known_hosts');
      assert.ok((await appendKnownHost(file, '127.0.0.5', 2222, ed.type, ed.base64)).ok);
      assert.ok((await appendKnownHost(file, 'gpu-1', 22, other.type, other.base64)).ok);
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.equal(fs.readFileSync(file, 'utf8'), `[127.0.0.5]:2222 ${ed.type} ${ed.base64}\ngpu-1 ${other.type} ${other.base64}\n`);
      const found = execFileSync('ssh-keygen', ['-F', '[127.0.0.5]:2222', '-f', file]).toString();
      assert.match(found, /found: line 1/);
    });

    it('starts a new line when the file does not end with one', async () => {
      const file = path.join(dir, 'nonl');
      fs.writeFileSync(file, `gpu-1 ${ed.type} ${ed.base64}`);
      await appendKnownHost(file, 'gpu-2', 22, other.type, other.base64);
      assert.equal((await checkHostKey(file, 'gpu-2', 22, other.type, other.base64)).status, 'match');
      assert.equal((await checkHostKey(file, 'gpu-1', 22, ed.type, ed.base64)).status, 'match');
    });
  });

  describe('removeKnownHostLine', () => {
    it('removes exactly that line, keeping the rest and the file mode', async () => {
      const file = write('remove', ['# keep', `gpu-1 ${ed.type} ${ed.base64}`, `gpu-2 ${other.type} ${other.base64}`]);
      fs.chmodSync(file, 0o644);
      assert.ok((await removeKnownHostLine(file, 2)).ok);
      assert.equal(fs.readFileSync(file, 'utf8'), `# keep\ngpu-2 ${other.type} ${other.base64}\n`);
      assert.equal(fs.statSync(file).mode & 0o777, 0o644);
      assert.deepEqual(fs.readdirSync(dir).filter((f) => f.includes('.tmp')), []);
    });

    it('refuses a line the file does not have', async () => {
      const file = write('short', [`gpu-1 ${ed.type} ${ed.base64}`]);
      const r = await removeKnownHostLine(file, 2);
      assert.ok(!r.ok);
      assert.equal(r.code, 'no_such_line');
      assert.equal(fs.readFileSync(file, 'utf8'), `gpu-1 ${ed.type} ${ed.base64}\n`);
    });
  });
});
