import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const MIB = 1 << 20;

/** A file of random bytes the lab benches send, with its sha256 (to check what landed). */
export interface Payload {
  file: string;
  bytes: number;
  sha: string;
}

export function makePayload(dir: string, mib: number): Payload {
  const file = path.join(dir, `payload-${mib}m.bin`);
  const fd = fs.openSync(file, 'w');
  const hash = createHash('sha256');
  for (let i = 0; i < mib; i++) {
    const chunk = randomBytes(MIB);
    hash.update(chunk);
    fs.writeSync(fd, chunk);
  }
  fs.closeSync(fd);
  return { file, bytes: mib * MIB, sha: hash.digest('hex') };
}
