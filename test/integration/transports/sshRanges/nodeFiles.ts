import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ByteRange } from '../../../../src/core/byteRanges';

/** What the ranged SSH push leaves on a node, as both SSH rungs' tests read it. */

/**
 * A figure once it stayed the same for 1.5 s: a range whose bytes had all reached the node when
 * the client let go still lands (its command runs on), within a second on these nodes. Bounded.
 */
export async function settled(read: () => number): Promise<number> {
  let last = read();
  for (let i = 0, same = 0; i < 20 && same < 3; i++) {
    await new Promise((res) => setTimeout(res, 500));
    const now = read();
    same = now === last ? same + 1 : 0;
    last = now;
  }
  return last;
}

/** The `start end` lines of a sidecar (its first line names the transfer); none without one. */
export function sidecarRanges(file: string): ByteRange[] {
  if (!fs.existsSync(file)) return [];
  const lines = fs.readFileSync(file, 'utf8').split('\n').slice(1).filter((l) => /^\d+ \d+$/.test(l));
  return lines.map((l) => l.split(' ').map(Number)).map(([start, end]) => ({ start, end }));
}

/** A sidecar's ranges as covered bytes; 0 without one. */
export function sidecarBytes(file: string): number {
  return sidecarRanges(file).reduce((n, r) => n + r.end - r.start, 0);
}

/** The ranged partial and sidecar beside `target` (a path on the node): the same for both SSH rungs. */
export function rangedFiles(target: string): { partial: string; sidecar: string } {
  const stem = path.join(path.dirname(target), `.${path.basename(target)}`);
  return { partial: `${stem}.ssh-ranged.ringrift-partial`, sidecar: `${stem}.ssh-ranges.ringrift-partial` };
}
