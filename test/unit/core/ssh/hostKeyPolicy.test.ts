import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { algorithmsForKeyType, decideHostKey, keyTypeOfBlob } from '../../../../src/core/ssh/hostKeyPolicy';
import { checkHostKey } from '../../../../src/core/ssh/knownHosts';
import type { UnknownHostKeyInfo } from '../../../../src/core/transports/transport';
import { makeKey, tempDir, type TestKey } from './keyFixtures';

describe('core/ssh/hostKeyPolicy', () => {
  let dir: string;
  let key: TestKey;
  let other: TestKey;
  let blob: Buffer;
  before(() => {
    dir = tempDir('ringrift-policy-');
    key = makeKey(dir, 'host');
    other = makeKey(dir, 'other');
    blob = Buffer.from(key.base64, 'base64');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = { HOME: '/root' };

  it('reads the key type from the blob and maps ssh-rsa to the rsa-sha2 algorithms', () => {
    assert.equal(keyTypeOfBlob(blob), 'ssh-ed25519');
    assert.deepEqual(algorithmsForKeyType('ssh-rsa'), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
  });

  it('accepts a known key', async () => {
    const file = path.join(dir, 'kh-match');
    fs.writeFileSync(file, `[127.0.0.5]:2222 ${key.type} ${key.base64}\n`);
    assert.ok((await decideHostKey('gpu-5', '127.0.0.5', 2222, blob, { knownHostsFile: file, env })).ok);
  });

  it('refuses a changed key, naming the line, the new fingerprint and the ssh-keygen -R command', async () => {
    const file = path.join(dir, 'kh-changed');
    fs.writeFileSync(file, `# a\n# b\n[127.0.0.5]:2222 ${other.type} ${other.base64}\n`);
    const r = await decideHostKey('gpu-5', '127.0.0.5', 2222, blob, { knownHostsFile: file, env });
    assert.ok(!r.ok);
    assert.equal(r.code, 'host_key_changed');
    assert.ok(r.message.includes(`host key for [127.0.0.5]:2222 changed (now ${key.fingerprint})`), r.message);
    assert.ok(r.message.includes(`remove line 3 of ${file} (ssh-keygen -f '${file}' -R '[127.0.0.5]:2222')`), r.message);
    assert.match(r.message, /^node gpu-5: /);
  });

  it('leaves -f out of the hint for the default known_hosts', async () => {
    const home = tempDir('ringrift-home-');
    const file = path.join(home, '.ssh', 'known_hosts');
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, `gpu-5 ${other.type} ${other.base64}\n`);
    const r = await decideHostKey('gpu-5', 'gpu-5', 22, blob, { knownHostsFile: file, env: { HOME: home } });
    assert.ok(!r.ok);
    assert.ok(r.message.includes(`(ssh-keygen -R 'gpu-5')`), r.message);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('refuses a revoked key', async () => {
    const file = path.join(dir, 'kh-revoked');
    fs.writeFileSync(file, `@revoked * ${key.type} ${key.base64}\n`);
    const r = await decideHostKey('gpu-5', 'h', 22, blob, { knownHostsFile: file, env });
    assert.ok(!r.ok);
    assert.equal(r.code, 'host_key_revoked');
  });

  it('refuses an unknown key without a callback, saying how to accept it', async () => {
    const file = path.join(dir, 'kh-none');
    const r = await decideHostKey('gpu-5', 'h', 22, blob, { knownHostsFile: file, env });
    assert.ok(!r.ok);
    assert.equal(r.code, 'host_key_unknown');
    assert.match(r.message, /--accept-new/);
    assert.ok(r.message.includes(key.fingerprint));
    assert.ok(!fs.existsSync(file));
  });

  it("asks the callback: 'once' goes on without writing, 'always' appends, 'reject' refuses", async () => {
    const file = path.join(dir, 'kh-ask');
    const asked: UnknownHostKeyInfo[] = [];
    const ask = (d: 'once' | 'always' | 'reject') => async (info: UnknownHostKeyInfo) => (asked.push(info), d);
    assert.ok((await decideHostKey('gpu-5', 'h', 2222, blob, { knownHostsFile: file, env, onUnknownHostKey: ask('once') })).ok);
    assert.ok(!fs.existsSync(file));
    assert.equal((await decideHostKey('gpu-5', 'h', 2222, blob, { knownHostsFile: file, env, onUnknownHostKey: ask('reject') })).ok, false);
    assert.ok((await decideHostKey('gpu-5', 'h', 2222, blob, { knownHostsFile: file, env, onUnknownHostKey: ask('always') })).ok);
    assert.deepEqual(await checkHostKey(file, 'h', 2222, key.type, key.base64), { status: 'match', line: 1 });
    assert.deepEqual(asked[0], { node: 'gpu-5', host: 'h', port: 2222, keyType: 'ssh-ed25519', fingerprint: key.fingerprint, knownHostsFile: file });
  });
});
