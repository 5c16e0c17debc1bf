import * as path from 'node:path';
import { shellQuote, shellQuoteRemotePath } from '../remotePath';

/**
 * A reset that cuts rsync reaches the client at once but the node only with the node's next
 * packet: the receiver on the node may sit on a half-open connection, holding its temp file
 * (`.NAME.XXXXXX` beside the target), until its own --timeout. It moves those bytes into the
 * partial dir only when it exits, so a partial read before then says the try moved nothing and
 * the sync escalates. The runbook's answer: wait a little, then stop the stuck rsync.
 */

/** How long the read waits for the receiver to exit on its own, and again after SIGTERM. */
export interface ReceiverWaits { exitS: number; termS: number }
const RECEIVER_WAITS: ReceiverWaits = { exitS: 3, termS: 2 };

/**
 * Shell that waits (at most `waits.exitS`) while a receiver's temp file of `remoteFile`
 * exists. If one is still there and did not grow meanwhile, the rsync processes holding it
 * (found through /proc: Linux nodes) get SIGTERM, on which rsync keeps the partial, and the
 * script waits `waits.termS` more. A temp file that grows belongs to a live transfer
 * (another client's) and is left alone; one nobody holds (rsync killed with SIGKILL) costs the
 * first wait only. Prints `released=PID` per stopped receiver.
 */
export function awaitReceiverScript(remoteFile: string, waits: ReceiverWaits = RECEIVER_WAITS): string {
  const dir = path.posix.dirname(remoteFile);
  const prefix = `.${path.posix.basename(remoteFile)}.`;
  const temp = `${shellQuoteRemotePath(path.posix.join(dir, prefix))}??????`;
  const held = `ls -d ${temp} >/dev/null 2>&1`;
  const size = `$(ls -ln ${temp} 2>/dev/null | awk '{s+=$5} END {print s+0}')`;
  const waitHeld = (ticks: number) => `i=0; while [ $i -lt ${ticks} ] && ${held}; do sleep 0.1; i=$((i+1)); done`;
  const release = [
    `d=$(cd ${shellQuoteRemotePath(dir)} 2>/dev/null && pwd -P)`,
    // `read`, a builtin, not `$(cat ...)`: a node runs hundreds of processes, and a fork each cost seconds under load.
    'for p in /proc/[0-9]*; do',
    '  c=; read -r c 2>/dev/null < $p/comm; [ "$c" = rsync ] || continue',
    `  for f in $p/fd/*; do case "$(readlink $f 2>/dev/null)" in "$d"/${shellQuote(prefix)}??????) kill -TERM \${p#/proc/} 2>/dev/null && echo "released=\${p#/proc/}" && r=1; break;; esac; done`,
    'done',
  ].join('\n');
  return [
    `s0=${size}`,
    waitHeld(Math.round(waits.exitS * 10)),
    `if ${held} && [ "${size}" = "$s0" ]; then`,
    'r=0',
    release,
    `[ $r = 0 ] || { ${waitHeld(Math.round(waits.termS * 10))}; }`,
    'fi',
  ].join('\n');
}

/** The receivers the script stopped (`released=PID` lines). */
export function parseReleased(stdout: string): number[] {
  return [...stdout.matchAll(/^released=(\d+)$/gm)].map((m) => Number(m[1]));
}
