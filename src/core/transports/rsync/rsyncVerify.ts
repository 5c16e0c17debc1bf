import * as path from 'node:path';
import { fail, ok, type Result } from '../../result';
import { runBounded, type BoundedRun } from '../boundedProcess';
import { shellQuoteRemotePath } from '../remotePath';
import { PARTIAL_DIR } from './rsyncArgs';
import { awaitReceiverScript, parseReleased } from './staleReceiver';

/**
 * The sha256 check after rsync (DESIGN: every push ends with size and sha256 matching). The ssh
 * session that hashes the file on the node is opened while rsync still runs and waits for a "go"
 * line, so the check costs the hashing only, not another SSH handshake.
 */

/**
 * The node-side script: wait for "go", then hash with the fastest tool present (openssl uses the
 * CPU's SHA instructions, about 3x coreutils sha256sum), reading stdin so the file name never shows
 * up in the output. Works on Linux and macOS shells.
 */
export function remoteHashScript(remotePath: string): string {
  const f = shellQuoteRemotePath(remotePath);
  return [
    // Before the transfer: where a resume starts (the walk's measure of a try's progress).
    partialSizeScript(remotePath),
    'read -r go || exit 3',
    '[ "$go" = go ] || exit 3',
    `f=${f}`,
    `[ -f "$f" ] || { echo "ringrift-verify: $f is not there" >&2; exit 4; }`,
    'h=$(openssl dgst -sha256 < "$f" 2>/dev/null) || h=$(sha256sum < "$f" 2>/dev/null) || h=$(shasum -a 256 < "$f" 2>/dev/null) ' +
      '|| { echo "ringrift-verify: no sha256 tool (openssl, sha256sum, shasum) on the node" >&2; exit 127; }',
    'echo "$h"',
  ].join('; ');
}

/** Where rsync keeps a broken transfer of `remoteFile` (`--partial-dir`, beside the target). */
export function rsyncPartialPath(remoteFile: string): string {
  return path.posix.join(path.posix.dirname(remoteFile), PARTIAL_DIR, path.posix.basename(remoteFile));
}

/** Prints `partial=N`: the size of rsync's partial of `remoteFile` (0 when there is none). */
export function partialSizeScript(remoteFile: string): string {
  const p = shellQuoteRemotePath(rsyncPartialPath(remoteFile));
  return `if [ -f ${p} ]; then echo "partial=$(wc -c < ${p} | tr -d ' ')"; else echo partial=0; fi`;
}

export function parsePartialSize(stdout: string): number | undefined {
  const m = /^partial=(\d+)$/m.exec(stdout);
  return m ? Number(m[1]) : undefined;
}

/**
 * Once rsync's receiver has kept its partial (awaitReceiverScript), prints `partial=N` and
 * `freekb=N`: free space where `remoteFile` lands (df -P works on Linux and macOS).
 */
export function afterFailureScript(remoteFile: string): string {
  const dir = shellQuoteRemotePath(path.posix.dirname(remoteFile));
  return `${awaitReceiverScript(remoteFile)}\n${partialSizeScript(remoteFile)}; df -Pk ${dir} 2>/dev/null | awk 'NR==2 {print "freekb=" $4}'`;
}

export interface AfterFailure {
  /** Bytes of rsync's partial now. */
  partial?: number;
  /** Free bytes where the file lands. */
  freeBytes?: number;
  /** rsync receivers left on the cut connection, stopped so they kept their partial (pids). */
  releasedReceivers?: number[];
}

export function parseAfterFailure(stdout: string): AfterFailure {
  const free = /^freekb=(\d+)$/m.exec(stdout);
  const released = parseReleased(stdout);
  return { partial: parsePartialSize(stdout), ...(free ? { freeBytes: Number(free[1]) * 1024 } : {}), ...(released.length ? { releasedReceivers: released } : {}) };
}

/**
 * After a failed push, over one more ssh session bounded by `deadlineMs`: the size of rsync's
 * partial of `remoteFile` (how far the try got) and the free space there (rsync sometimes exits
 * "error in file IO" without saying the disk is full). Empty when the node cannot be asked.
 */
export async function remoteAfterFailure(sshArgs: string[], user: string, host: string, remoteFile: string, env: NodeJS.ProcessEnv, signal: AbortSignal, deadlineMs: number): Promise<AfterFailure> {
  const out = await runBounded('ssh', sshCommandArgs(sshArgs, user, host, afterFailureScript(remoteFile)), { env, signal, deadlineMs }).done;
  return out.rc === 0 ? parseAfterFailure(out.stdout) : {};
}

/** The last 64-hex word of the output (openssl prints `SHA2-256(stdin)= <hex>`, sha256sum `<hex>  -`). */
export function parseHashOutput(stdout: string): string | undefined {
  const all = stdout.toLowerCase().match(/\b[0-9a-f]{64}\b/g);
  return all ? all[all.length - 1] : undefined;
}

/** Creates a remote directory (fallback for a node rsync without --mkpath). */
export function remoteMkdirScript(remoteFile: string): string {
  return `mkdir -p -- ${shellQuoteRemotePath(path.posix.dirname(remoteFile))}`;
}

/** Why the node's sha256 of the pushed file could not be read. */
export type RemoteHashFailure = 'cancelled' | 'verify_failed' | 'remote_tool_missing';

export interface RemoteHashSession {
  /** Sends "go" and waits for the node's sha256 (bounded by `deadlineMs`). */
  hash(deadlineMs: number): Promise<Result<string, RemoteHashFailure>>;
  /** Drops the session (rsync failed). */
  cancel(): void;
  /** Size of rsync's partial when the session logged in (before rsync changed it), once printed. */
  partialAtStart(): number | undefined;
}

/** `ssh ... -- host SCRIPT`, the same options (and host key checks) as rsync's own ssh. */
export function sshCommandArgs(sshArgs: string[], user: string, host: string, script: string): string[] {
  return [...sshArgs, '-T', '-l', user, '--', host, script];
}

export function openRemoteHash(
  sshArgs: string[],
  user: string,
  host: string,
  remotePath: string,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
): RemoteHashSession {
  const local = new AbortController();
  const onAbort = () => local.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  let head = '';
  let run: BoundedRun | undefined = runBounded('ssh', sshCommandArgs(sshArgs, user, host, remoteHashScript(remotePath)), {
    env,
    signal: local.signal,
    stdinPipe: true,
    onStdout: (chunk) => {
      if (head.length < 200) head += chunk;
    },
  });
  const release = () => signal.removeEventListener('abort', onAbort);
  return {
    async hash(deadlineMs) {
      const current = run!;
      const timer = setTimeout(() => current.kill(), deadlineMs);
      current.child.stdin?.end('go\n');
      const out = await current.done;
      clearTimeout(timer);
      release();
      const sha = parseHashOutput(out.stdout);
      if (out.rc === 0 && sha) return ok(sha);
      const why = out.stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).pop() ?? '';
      if (out.aborted) return fail('cancelled', 'verification cancelled');
      if (out.rc === null && !out.spawnError) return fail('verify_failed', `hashing on the node did not finish within ${Math.round(deadlineMs / 1000)} s`);
      return fail(out.rc === 127 ? 'remote_tool_missing' : 'verify_failed', why || `ssh exited with code ${out.rc ?? out.spawnError}`);
    },
    cancel() {
      run?.kill();
      run = undefined;
      release();
    },
    partialAtStart: () => parsePartialSize(head),
  };
}
