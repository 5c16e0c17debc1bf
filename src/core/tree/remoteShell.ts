import { Readable } from 'node:stream';
import { fail, ok, type Result } from '../result';
import type { SshSession } from '../ssh/session';
import type { ExecResult } from '../ssh/session';
import { runBounded } from '../transports/boundedProcess';
import type { TransportFailureCode } from '../transports/failureCodes';
import { classifyRsyncExit } from '../transports/rsync/rsyncErrors';
import type { SshTarget } from '../transports/rsync/rsyncArgs';
import { sshCommandArgs } from '../transports/rsync/rsyncVerify';
import type { LocalTree } from './localTree';
import { extraRemoteFiles } from './plan';
import { listScript, removeScript } from './remoteScripts';

/**
 * One remote script run with its stdin, over whichever SSH the rung has: the base64 rung's ssh2
 * session, or the system ssh the rsync rung uses (same options and host keys as its rsync).
 */
export interface RemoteShell {
  run(script: string, stdin: Buffer | Readable | undefined, timeoutMs?: number): Promise<Result<ExecResult, TransportFailureCode>>;
}

export function sessionShell(session: SshSession, signal: AbortSignal): RemoteShell {
  return {
    run: (script, stdin, timeoutMs) =>
      session.exec(script, { signal, timeoutMs, stdin: stdin === undefined ? undefined : Buffer.isBuffer(stdin) ? Readable.from([stdin]) : stdin }),
  };
}

export interface SystemSshInput {
  node: string;
  target: SshTarget;
  sshArgs: string[];
  knownHostsFile: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
}

/** Output kept from one script: enough for a listing of many thousand names. */
const KEEP_STDOUT = 8 << 20;

export function systemSshShell(input: SystemSshInput): RemoteShell {
  const { target } = input;
  return {
    async run(script, stdin, timeoutMs) {
      const proc = runBounded('ssh', sshCommandArgs(input.sshArgs, target.user, target.host, script), {
        env: input.env, signal: input.signal, deadlineMs: timeoutMs, stdinPipe: true, keepStdoutChars: KEEP_STDOUT,
      });
      if (Buffer.isBuffer(stdin)) proc.child.stdin?.end(stdin);
      else if (stdin) stdin.pipe(proc.child.stdin!);
      else proc.child.stdin?.end();
      const out = await proc.done;
      if (out.rc !== null && out.rc !== 255 && !out.aborted) return ok({ code: out.rc, stdout: out.stdout, stderr: out.stderr.trim() });
      const c = classifyRsyncExit(out, { node: input.node, target, knownHostsFile: input.knownHostsFile, action: 'push', idleTimeoutS: 0, deadlineMs: timeoutMs });
      return fail(c.code, c.message);
    },
  };
}

/** `--delete`: lists the files under the root and removes, in one batched rm, those not in the tree. Returns how many. */
export async function deleteExtras(shell: RemoteShell, root: string, tree: LocalTree, where: string): Promise<Result<number, TransportFailureCode>> {
  const listed = await shell.run(listScript(root), undefined, 120_000);
  if (!listed.ok) return listed;
  if (listed.value.code !== 0) return fail('remote_error', `${where}: cannot list ${root} for --delete: ${listed.value.stderr || `exit ${listed.value.code}`}`);
  const names = listed.value.stdout.split('\0').filter((n) => n.startsWith('./')).map((n) => n.slice(2));
  const extras = extraRemoteFiles(names, tree.files);
  if (extras.length === 0) return ok(0);
  const removed = await shell.run(removeScript(root), Buffer.from(extras.map((n) => `${n}\0`).join('')), 120_000);
  if (!removed.ok) return removed;
  if (removed.value.code !== 0) return fail('remote_error', `${where}: removing ${extras.length} files under ${root} failed: ${removed.value.stderr || `exit ${removed.value.code}`}`);
  return ok(extras.length);
}
