import { spawn, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * One lab per machine, across processes: every lab deletes whatever `rrlab-*` namespaces it finds,
 * so two suites (two engineers' `npm run test:lab`) must take turns instead of tearing each
 * other's lab down. The lock is a `flock` child holding LOCK_FILE until its stdin closes: when this
 * process ends, however it ends, the pipe closes and the lock is free. Re-entrant in one process.
 */

const LOCK_FILE = path.join(os.tmpdir(), 'rrlab.lock');
/** Long enough for another whole lab suite to finish. */
const WAIT_S = 20 * 60;

let held: { child: ChildProcess; count: number } | undefined;

export async function acquireLabLock(): Promise<void> {
  if (held) {
    held.count++;
    return;
  }
  const child = spawn('flock', ['--wait', String(WAIT_S), LOCK_FILE, 'sh', '-c', 'echo locked; exec cat >/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = setTimeout(() => console.log(`      (waiting for ${LOCK_FILE}: another lab run holds it)`), 1000);
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.once('data', () => resolve());
      child.once('error', (err) => reject(new Error(`lab: cannot run flock (util-linux): ${err.message}`)));
      child.once('exit', (code) => reject(new Error(`lab: ${LOCK_FILE} still held by another lab run after ${WAIT_S} s (flock exit ${code})`)));
    });
  } finally {
    clearTimeout(waiting);
  }
  held = { child, count: 1 };
}

/** Drops one hold; the last one frees the lock for the other process. */
export function releaseLabLock(): void {
  if (!held || --held.count > 0) return;
  held.child.stdin!.end();
  held = undefined;
}
