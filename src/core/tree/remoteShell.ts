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
import type { TreeRun } from './treeRun';

/**
 * One remote script run with its stdin, over whichever SSH the rung has: the base64 rung's ssh2
 * session, or the system ssh the rsync rung uses (same options and host keys as its rsync).
 */
export interface RemoteShell {
  run(script: string, stdin: Buffer | Readable | undefined, timeoutMs?: number): Promise<Result<ExecResult, TransportFailureCode>>;
}

/** Over an ssh2 session; all of stdout is kept (a listing of a large tree outgrows the session's own cap). */
export function sessionShell(session: SshSession, signal: AbortSignal): RemoteShell {
  return {
    async run(script, stdin, timeoutMs) {
      const chunks: Buffer[] = [];
      const input = stdin === undefined ? undefined : Buffer.isBuffer(stdin) ? Readable.from([stdin]) : stdin;
      const r = await session.exec(script, { signal, timeoutMs, stdin: input, onStdout: (b) => chunks.push(b) });
      return r.ok ? ok({ ...r.value, stdout: Buffer.concat(chunks).toString('utf8') }) : r;
    },
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

/** Over the system ssh (the rsync rung's options and host keys); all of stdout is kept. */
export function systemSshShell(input: SystemSshInput): RemoteShell {
  const { target } = input;
  return {
    async run(script, stdin, timeoutMs) {
      const chunks: string[] = [];
      const proc = runBounded('ssh', sshCommandArgs(input.sshArgs, target.user, target.host, script), {
        env: input.env, signal: input.signal, deadlineMs: timeoutMs, stdinPipe: true, onStdout: (c) => chunks.push(c),
      });
      if (Buffer.isBuffer(stdin)) proc.child.stdin?.end(stdin);
      else if (stdin) stdin.pipe(proc.child.stdin!);
      else proc.child.stdin?.end();
      const out = await proc.done;
      if (out.rc !== null && out.rc !== 255 && !out.aborted) return ok({ code: out.rc, stdout: chunks.join(''), stderr: out.stderr.trim() });
      const c = classifyRsyncExit(out, { node: input.node, target, knownHostsFile: input.knownHostsFile, action: 'push', idleTimeoutS: 0, deadlineMs: timeoutMs });
      return fail(c.code, c.message);
    },
  };
}

/** A rung's `--delete` step, once per sync: the extras go, and the run counts them. */
export async function deleteIfAsked(shell: RemoteShell, root: string, run: TreeRun, where: string): Promise<Result<void, TransportFailureCode>> {
  if (!run.deletePending) return ok(undefined);
  const deleted = await deleteExtras(shell, root, run, where);
  if (!deleted.ok) return deleted;
  run.report.deleted += deleted.value;
  run.deletePending = false;
  return ok(undefined);
}

/**
 * The files under the root that are not in the tree (sorted), and whether the root exists: what
 * `--delete` would remove. Its dry run and the removal both start here.
 */
export async function listExtras(shell: RemoteShell, root: string, files: LocalTree['files'], where: string): Promise<Result<{ rootExists: boolean; extras: string[] }, TransportFailureCode>> {
  const listed = await shell.run(listScript(root), undefined, 120_000);
  if (!listed.ok) return listed;
  // listScript exits 4 when it cannot enter the root: nothing is there, nothing to remove.
  if (listed.value.code === 4) return ok({ rootExists: false, extras: [] });
  if (listed.value.code !== 0) return fail('remote_error', `${where}: cannot list ${root} for --delete: ${listed.value.stderr || `exit ${listed.value.code}`}`);
  const names = listed.value.stdout.split('\0').filter((n) => n.startsWith('./')).map((n) => n.slice(2));
  return ok({ rootExists: true, extras: extraRemoteFiles(names, files) });
}

/**
 * `--delete`: removes, in one batched rm, the files under the root not in the tree (only those
 * the run may remove, when a dry run's list was approved). Returns how many.
 */
async function deleteExtras(shell: RemoteShell, root: string, run: TreeRun, where: string): Promise<Result<number, TransportFailureCode>> {
  const listed = await listExtras(shell, root, run.job.tree.files, where);
  if (!listed.ok) return listed;
  const extras = listed.value.extras.filter((n) => run.deleteOnly?.has(n) ?? true);
  if (extras.length === 0) return ok(0);
  const removed = await shell.run(removeScript(root), Buffer.from(extras.map((n) => `${n}\0`).join('')), 120_000);
  if (!removed.ok) return removed;
  if (removed.value.code !== 0) return fail('remote_error', `${where}: removing ${extras.length} files under ${root} failed: ${removed.value.stderr || `exit ${removed.value.code}`}`);
  return ok(extras.length);
}
