import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { passphraseOpensKey } from '../../../../src/core/ssh/keyPassphrase';

describe('passphraseOpensKey', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-key-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'right horse', '-C', '', '-f', path.join(dir, 'enc')]);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is true only for the passphrase that opens the key', () => {
    assert.equal(passphraseOpensKey(path.join(dir, 'enc'), 'right horse'), true);
    assert.equal(passphraseOpensKey(path.join(dir, 'enc'), 'wrong'), false);
  });

  it('is false for a public key or a missing file', () => {
    assert.equal(passphraseOpensKey(path.join(dir, 'enc.pub'), 'right horse'), false);
    assert.equal(passphraseOpensKey(path.join(dir, 'missing'), 'x'), false);
  });
});
