import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadKeys } from '../../../../src/core/ssh/authKeys';
import { makeKey, tempDir } from './keyFixtures';

describe('core/ssh/authKeys', () => {
  let dir: string;
  before(() => {
    dir = tempDir('ringrift-keys-');
    makeKey(dir, 'plain');
    makeKey(dir, 'locked', 'ed25519', 'secret words');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const f = (name: string) => path.join(dir, name);

  it('loads a plain key without asking anything', async () => {
    const r = await loadKeys([f('plain')], async () => assert.fail('no passphrase needed'), () => true);
    assert.deepEqual(r.keys.map((k) => k.file), [f('plain')]);
    assert.deepEqual(r.skipped, []);
  });

  it('asks for the passphrase of an encrypted key and uses it', async () => {
    const asked: string[] = [];
    const r = await loadKeys([f('locked')], async (p) => (asked.push(p), 'secret words'), () => true);
    assert.deepEqual(asked, [f('locked')]);
    assert.equal(r.keys.length, 1);
    assert.equal(r.keys[0].key.type, 'ssh-ed25519');
  });

  it('skips an encrypted key with a clear note when no passphrase comes, or a wrong one', async () => {
    const none = await loadKeys([f('locked'), f('plain')], undefined, () => true);
    assert.deepEqual(none.keys.map((k) => k.file), [f('plain')]);
    assert.match(none.skipped[0], /encrypted and no passphrase was given/);
    const wrong = await loadKeys([f('locked')], async () => 'nope', () => true);
    assert.equal(wrong.keys.length, 0);
    assert.match(wrong.skipped[0], /wrong passphrase/);
  });

  it('notes a named key that is missing or public, but not a missing default key', async () => {
    const r = await loadKeys([f('absent'), f('plain.pub'), f('quiet-default')], undefined, (file) => !file.endsWith('quiet-default'));
    assert.equal(r.keys.length, 0);
    assert.equal(r.skipped.length, 2);
    assert.match(r.skipped[0], /absent unreadable/);
    assert.match(r.skipped[1], /public key|not a usable private key/);
  });
});
