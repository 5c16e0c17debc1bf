import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { utils } from 'ssh2';
import { isExecutable } from '../core/localTools';

/**
 * An ed25519 key pair written to `file` (private, mode 600) and `file.pub`. OpenSSH's own
 * ssh-keygen when present: about 1 in 200 ed25519 keys that ssh2 generates fail to load in
 * OpenSSH ("error in libcrypto"), which would make the demo fail now and then. ssh2's generator
 * is the fallback for machines without OpenSSH, where only ssh2 reads the keys.
 */
export function writeKeyPair(file: string, comment: string): { privateKey: string; publicKey: string } {
  fs.rmSync(file, { force: true });
  fs.rmSync(file + '.pub', { force: true });
  if (isExecutable('/usr/bin/ssh-keygen')) {
    execFileSync('/usr/bin/ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], { stdio: 'ignore' });
  } else {
    const key = utils.generateKeyPairSync('ed25519', { comment });
    fs.writeFileSync(file, key.private, { mode: 0o600 });
    fs.writeFileSync(file + '.pub', key.public + '\n');
  }
  return { privateKey: fs.readFileSync(file, 'utf8'), publicKey: fs.readFileSync(file + '.pub', 'utf8').trim() };
}
