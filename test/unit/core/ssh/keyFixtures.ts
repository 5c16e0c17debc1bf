import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Real keys made with ssh-keygen in a temp dir: the fixtures for known_hosts and auth tests. */
export interface TestKey {
  file: string;
  type: string;
  base64: string;
  /** What `ssh-keygen -lf` prints for it. */
  fingerprint: string;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function makeKey(dir: string, name: string, type = 'ed25519', passphrase = ''): TestKey {
  const file = path.join(dir, name);
  const bits = type === 'rsa' ? ['-b', '2048'] : [];
  execFileSync('ssh-keygen', ['-q', '-t', type, ...bits, '-N', passphrase, '-C', name, '-f', file]);
  const [keyType, base64] = fs.readFileSync(file + '.pub', 'utf8').trim().split(/\s+/);
  const fingerprint = execFileSync('ssh-keygen', ['-lf', file + '.pub']).toString().split(/\s+/)[1];
  return { file, type: keyType, base64, fingerprint };
}
