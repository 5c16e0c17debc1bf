import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from './sh';

/**
 * The lab's two C parts, compiled with the machine's gcc into a cache dir keyed by the source's
 * hash (a changed source recompiles; an unchanged one costs nothing).
 */

const CACHE = path.join(os.tmpdir(), 'rrlab-native');

function compile(source: string, output: string, flags: string[]): string {
  const src = path.join(__dirname, source);
  const hash = createHash('sha256').update(fs.readFileSync(src)).update(flags.join(' ')).digest('hex').slice(0, 16);
  const out = path.join(CACHE, hash, output);
  if (fs.existsSync(out)) return out;
  if (!fs.existsSync('/usr/bin/gcc')) throw new Error(`lab: gcc is needed to build ${source}: apt-get install gcc libc6-dev`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  run('/usr/bin/gcc', ['-O2', '-Wall', '-Werror', ...flags, '-o', tmp, src]);
  fs.renameSync(tmp, out);
  return out;
}

/** The delay line executable (see delayLine.c). */
export function delayLineBin(): string {
  return compile('delayLine.c', 'delay_line', []);
}

/** The LD_PRELOAD library that sets every TCP socket's congestion control (see cubicShim.c). */
export function cubicShimLib(): string {
  return compile('cubicShim.c', 'cubic_shim.so', ['-shared', '-fPIC']);
}

export type Congestion = 'cubic' | 'reno' | 'bbr';

/** Environment for a sender process that must use CUBIC: `{ ...process.env, ...cubicEnv() }`. */
export function cubicEnv(): Record<string, string> {
  return congestionEnv('cubic');
}

/** Environment for a sender with a given algorithm, whatever the kernel's default is. */
export function congestionEnv(cc: Congestion): Record<string, string> {
  return { LD_PRELOAD: cubicShimLib(), RRLAB_TCP_CONGESTION: cc };
}
