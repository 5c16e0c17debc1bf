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

/** `mib` may be a fraction (a payload of a few KiB). */
export function makePayload(dir: string, mib: number): Payload {
  const file = path.join(dir, `payload-${mib}m.bin`);
  const bytes = Math.round(mib * MIB);
  const fd = fs.openSync(file, 'w');
  const hash = createHash('sha256');
  for (let left = bytes; left > 0; left -= MIB) {
    const chunk = randomBytes(Math.min(MIB, left));
    hash.update(chunk);
    fs.writeSync(fd, chunk);
  }
  fs.closeSync(fd);
  return { file, bytes, sha: hash.digest('hex') };
}
