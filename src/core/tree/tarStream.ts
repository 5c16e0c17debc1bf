import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { TreeFile } from './localTree';

/**
 * A tar stream (POSIX ustar) of some files of a tree, each member named by its index in `files`
 * (`0`, `1`, ...): no name of the tree is ever in the archive, so no tar on any node can read one
 * as an option, an absolute path or `..`. Each file's sha256 is computed as it is read.
 */

const BLOCK = 512;
/** Largest size ustar's 11 octal digits hold; above it, GNU base-256 (GNU tar and bsdtar read it). */
const MAX_OCTAL_SIZE = 0o77777777777;

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

function writeSize(header: Buffer, size: number): void {
  if (size <= MAX_OCTAL_SIZE) {
    header.write(octal(size, 12), 124, 'latin1');
    return;
  }
  header[124] = 0x80;
  let rest = BigInt(size);
  for (let i = 135; i > 124; i--) {
    header[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
}

/** The 512-byte ustar header of member `name` (ASCII digits only). */
function tarHeader(name: string, size: number, mtimeMs: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 'latin1');
  h.write(octal(0o644, 8), 100, 'latin1');
  h.write(octal(0, 8), 108, 'latin1');
  h.write(octal(0, 8), 116, 'latin1');
  writeSize(h, size);
  h.write(octal(Math.floor(mtimeMs / 1000), 12), 136, 'latin1');
  h.write('0', 156, 'latin1');
  h.write('ustar\u000000', 257, 'latin1');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

export interface TarSource {
  stream: Readable;
  /** sha256 of each member's bytes by index, filled as the stream is read. */
  hashes: Map<number, string>;
}

/** The archive of `files` (read exactly `size` bytes each: a file that shrank fails the stream). */
export function tarOf(files: TreeFile[]): TarSource {
  const hashes = new Map<number, string>();
  async function* members(): AsyncGenerator<Buffer> {
    for (const [i, f] of files.entries()) {
      yield tarHeader(String(i), f.size, f.mtimeMs);
      const hash = createHash('sha256');
      let read = 0;
      if (f.size > 0) {
        for await (const chunk of createReadStream(f.abs, { start: 0, end: f.size - 1, highWaterMark: 1 << 20 })) {
          const b = chunk as Buffer;
          hash.update(b);
          read += b.length;
          yield b;
        }
      }
      if (read !== f.size) throw new Error(`${f.rel} changed size while being sent (${read} of ${f.size} bytes read)`);
      hashes.set(i, hash.digest('hex'));
      if (f.size % BLOCK) yield Buffer.alloc(BLOCK - (f.size % BLOCK));
    }
    yield Buffer.alloc(2 * BLOCK);
  }
  return { stream: Readable.from(members(), { objectMode: false }), hashes };
}
