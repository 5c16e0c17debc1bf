import type { NodeSpec } from '../hosts/nodeSpec';
import { fail, ok, type Result } from '../result';
import { runBounded } from '../transports/boundedProcess';
import type { TransportFailureCode } from '../transports/failureCodes';
import { sshRemotePath } from '../transports/remotePath';
import { localRsyncFeatures, SHELL_SAFE_PATH } from '../transports/rsync/rsync';
import {
  remoteSpec, rsyncRemotePath, rsyncRemoteShell, SENT_MARK, sshTargetOf, treePushArgs, unescapeRsyncName, type SshTarget,
} from '../transports/rsync/rsyncArgs';
import { classifyRsyncExit } from '../transports/rsync/rsyncErrors';
import { acceptUnknownHostKey } from '../transports/rsync/rsyncHostKeys';
import { RsyncOutputReader } from '../transports/rsync/rsyncProgress';
import type { PushResult } from '../transports/transport';
import type { TreeFile } from './localTree';
import { hashOnNode } from './nodeFiles';
import { deleteIfAsked, systemSshShell, type RemoteShell } from './remoteShell';
import type { FilesHasher } from './filesHasher';
import { makeDirs } from './rungShared';
import { rsyncTreeEnv, rsyncTreeMaster, type SshMaster } from './sshMaster';
import { someNames, treeFailure, type RungContext, type TreeRun } from './treeRun';

/**
 * The rsync rung for a tree: the directories first (over ssh, refusing a symlinked one), then ONE
 * rsync run for every file still to send (its quick check skips the up-to-date ones), then the
 * node's sha256 of each file rsync reported transferred, in one ssh session; `--delete` after.
 */

interface RsyncStep {
  node: string;
  target: SshTarget;
  root: string;
  sshArgs: string[];
  shell: RemoteShell;
  run: TreeRun;
  ctx: RungContext;
  env: NodeJS.ProcessEnv;
  where: string;
}

/** `warm`: the node's login the walk started for this rung (sshMaster.ts), the first attempt's to ride. */
export async function pushTreeRsync(node: NodeSpec, run: TreeRun, ctx: RungContext, warm?: SshMaster): Promise<PushResult> {
  const started = Date.now();
  const where = `node ${node.name}: rsync`;
  const target = sshTargetOf(node);
  if (typeof target === 'string') return treeFailure('rsync', 'bad_config', target, started);
  const resolved = sshRemotePath(run.job.remoteDir, node.remoteBase);
  if (!resolved.ok) return treeFailure('rsync', resolved.code, `${where}: ${resolved.message}`, started);
  const env = rsyncTreeEnv(ctx.opts);
  let first = warm;
  const attempt = async (knownHostsFiles: string[]) => {
    const master = first ?? rsyncTreeMaster(target, ctx.opts, knownHostsFiles);
    first = undefined;
    try {
      await master.ready();
      const sshArgs = master.args;
      const shell = systemSshShell({ node: node.name, target, sshArgs, knownHostsFile: ctx.opts.knownHostsFile, env, signal: ctx.signal });
      return await syncOver({ node: node.name, target, root: resolved.value, sshArgs, shell, run, ctx, env, where }, node.bandwidthLimitMbps);
    } finally {
      await master.close();
    }
  };
  const done = await withAcceptedHostKey(node.name, target, ctx, attempt);
  if (!done.ok) return treeFailure('rsync', done.code, done.message, started);
  return run.success('rsync', resolved.value, started);
}

/**
 * As the rsync transport does: with the user's known_hosts; when ssh reports an unknown host key
 * (before anything was written) and the surface can ask, once more with the key it accepted.
 */
async function withAcceptedHostKey(
  node: string, target: SshTarget, ctx: RungContext, attempt: (knownHostsFiles: string[]) => Promise<Result<void, TransportFailureCode>>,
): Promise<Result<void, TransportFailureCode>> {
  const first = await attempt([ctx.opts.knownHostsFile]);
  if (first.ok || first.code !== 'host_key_unknown' || !ctx.opts.onUnknownHostKey) return first;
  const accepted = await acceptUnknownHostKey(node, target, ctx.opts, ctx.signal);
  if (!accepted.ok) return accepted;
  try {
    return await attempt([ctx.opts.knownHostsFile, accepted.value.file]);
  } finally {
    await accepted.value.dispose().catch(() => undefined);
  }
}

async function syncOver(step: RsyncStep, bandwidthLimitMbps: number | undefined): Promise<Result<void, TransportFailureCode>> {
  const { run } = step;
  const files = run.pendingFiles();
  if (files.length > 0) {
    const made = await makeDirs(step.shell, step.root, run.job.tree.dirs, step.where);
    if (!made.ok) return made;
    const hasher = run.job.hashes;
    const sent = await rsyncOnce(step, files, hasher, bandwidthLimitMbps);
    if (!sent.ok) return sent;
    // Only what rsync transferred: its quick check (same size and mtime) left the rest as it
    // was, each file of which a sync of ours (or the user's own copy) put there.
    const checked = await verify(step, files.filter((f) => sent.value.has(f.rel)), hasher);
    if (!checked.ok) return checked;
    for (const f of files) run.landed(f.rel, 'rsync', sent.value.has(f.rel), sent.value.has(f.rel) ? f.size : 0);
  }
  return deleteIfAsked(step.shell, step.root, run, step.where);
}

/** The run; returns the names rsync transferred, each handed to `hasher` as rsync names it. */
async function rsyncOnce(step: RsyncStep, files: TreeFile[], hasher: FilesHasher, bandwidthLimitMbps: number | undefined): Promise<Result<Set<string>, TransportFailureCode>> {
  const { ctx, target } = step;
  const features = await localRsyncFeatures(step.env);
  if (!features.ok) return features;
  const remote = rsyncRemotePath(step.root);
  if (!features.value.protectArgsFlag && !SHELL_SAFE_PATH.test(remote)) {
    return fail('unsafe_remote_path', `${step.where}: local rsync ${features.value.version} cannot protect '${step.root}' from the node's shell: install rsync 3.x here, or use a plain directory name`);
  }
  const idleTimeoutS = Math.max(1, Math.ceil(ctx.opts.idleTimeoutMs / 1000));
  const args = treePushArgs({
    features: features.value, remoteShell: rsyncRemoteShell(step.sshArgs), idleTimeoutS, bandwidthLimitMbps,
    localRoot: step.run.job.tree.root, spec: remoteSpec(target, `${remote}/`),
  });
  const total = files.reduce((n, f) => n + f.size, 0);
  const byRel = new Map(files.map((f) => [f.rel, f]));
  const names = new Set<string>();
  const lines = lineCollector((line) => {
    if (!line.startsWith(SENT_MARK)) return;
    const rel = unescapeRsyncName(line.slice(SENT_MARK.length));
    names.add(rel);
    const f = byRel.get(rel);
    if (f) hasher.add(f);
  });
  const reader = new RsyncOutputReader((bytes) => step.run.progress('rsync', Math.min(bytes, total), total));
  const proc = runBounded('rsync', args, { env: step.env, signal: ctx.signal, stdinPipe: true, onStdout: (s) => (reader.push(s), lines.push(s)) });
  proc.child.stdin?.end(Buffer.from(files.map((f) => `${f.rel}\0`).join('')));
  const out = await proc.done;
  lines.end();
  if (out.rc !== 0 || out.aborted) {
    const c = classifyRsyncExit(out, { node: step.node, target, knownHostsFile: ctx.opts.knownHostsFile, action: 'push', remotePath: step.root, idleTimeoutS });
    return fail(c.code, c.message);
  }
  step.run.progress('rsync', total, total);
  return ok(names);
}

/** Splits stdout into `\n` lines (progress lines end in `\r` and are not lines here). */
function lineCollector(onLine: (line: string) => void): { push(chunk: string): void; end(): void } {
  let pending = '';
  return {
    push(chunk) {
      const parts = (pending + chunk).split('\n');
      pending = parts.pop() ?? '';
      for (const p of parts) onLine(p.slice(p.lastIndexOf('\r') + 1));
    },
    end() {
      if (pending) onLine(pending.slice(pending.lastIndexOf('\r') + 1));
      pending = '';
    },
  };
}

/** The node's sha256 of each transferred file, in one ssh session, against ours (mostly hashed during the transfer). */
async function verify(step: RsyncStep, sent: TreeFile[], hasher: FilesHasher): Promise<Result<void, TransportFailureCode>> {
  if (sent.length === 0) return ok(undefined);
  const [remote, local] = await Promise.all([hashOnNode(step.shell, step.root, sent.map((f) => f.rel), step.where), hasher.hashes(sent, step.where)]);
  if (!local.ok) return local;
  if (!remote.ok) return fail(remote.code, `rsync finished, but: ${remote.message}`);
  const bad = sent.filter((f, i) => remote.value[i] !== local.value.get(f.rel)).map((f) => f.rel);
  if (bad.length === 0) return ok(undefined);
  return fail('verify_mismatch', `${step.where}: sha256 of ${someNames(bad)} under ${step.root} on the node is not ours: was the local file changed during the sync, or is the node's disk failing? Sync again`);
}
