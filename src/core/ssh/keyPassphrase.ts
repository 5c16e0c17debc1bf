import * as fs from 'node:fs';
import { ssh2 } from './ssh2Module';

/** Whether `passphrase` opens the private key in `keyPath` (so a prompt can ask again after a typo). */
export function passphraseOpensKey(keyPath: string, passphrase: string): boolean {
  try {
    const parsed = ssh2().utils.parseKey(fs.readFileSync(keyPath), passphrase);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    return !(key instanceof Error) && key.isPrivateKey();
  } catch {
    return false;
  }
}
