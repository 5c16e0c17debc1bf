import * as fs from 'node:fs/promises';
import type { ParsedKey } from 'ssh2';
import { describeError } from '../result';
import { ssh2 } from './ssh2Module';

/** A private key ready to offer, and the file it came from (for messages). */
interface LoadedKey {
  file: string;
  key: ParsedKey;
}

export interface LoadedKeys {
  keys: LoadedKey[];
  /** Why a named key was not offered, one clause each (shown when authentication fails). */
  skipped: string[];
}

const isEncryptedError = (err: Error) => /encrypted|passphrase/i.test(err.message);

function parsed(result: ParsedKey | ParsedKey[] | Error): ParsedKey | Error {
  return Array.isArray(result) ? result[0] : result;
}

/**
 * Reads the key files in order. A missing default key is silently passed over (like ssh); a key that
 * is unreadable, not a private key, or encrypted without a passphrase is noted and skipped, so
 * authentication can still go on with the agent or the next key.
 */
export async function loadKeys(
  files: string[],
  onPassphrase: ((keyPath: string) => Promise<string | undefined>) | undefined,
  reportMissing: (file: string) => boolean,
): Promise<LoadedKeys> {
  const keys: LoadedKey[] = [];
  const skipped: string[] = [];
  for (const file of [...new Set(files)]) {
    let data: Buffer;
    try {
      data = await fs.readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || reportMissing(file)) skipped.push(`key ${file} unreadable (${describeError(err)})`);
      continue;
    }
    let key = parsed(ssh2().utils.parseKey(data));
    if (key instanceof Error && isEncryptedError(key)) {
      const passphrase = onPassphrase ? await onPassphrase(file) : undefined;
      if (passphrase === undefined) {
        skipped.push(`key ${file} is encrypted and no passphrase was given (load it into ssh-agent, or answer the passphrase prompt)`);
        continue;
      }
      key = parsed(ssh2().utils.parseKey(data, passphrase));
      if (key instanceof Error) {
        skipped.push(`key ${file}: wrong passphrase or unsupported key (${key.message})`);
        continue;
      }
    }
    if (key instanceof Error) {
      skipped.push(`key ${file} is not a usable private key (${key.message})`);
      continue;
    }
    if (!key.isPrivateKey()) {
      skipped.push(`key ${file} is a public key; name the private key file`);
      continue;
    }
    keys.push({ file, key });
  }
  return { keys, skipped };
}
