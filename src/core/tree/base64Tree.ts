import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import type { NodeSpec } from '../hosts/nodeSpec';
import { fail, ok, type Result } from '../result';
import { openSsh } from '../ssh/connect';
import { Base64Encoder } from './base64Encoder';
import type { TransportFailureCode } from '../transports/failureCodes';
import { sshRemotePath } from '../transports/remotePath';
import type { PushResult } from '../transports/transport';
import type { TreeFile } from './localTree';
import { hashOnNode, inspectNode, type NodeTools } from './nodeFiles';
import { planFiles, type FilePlan } from './plan';
import * as scripts from './remoteScripts';
import type { FinishMode } from './remoteScripts';
import { deleteIfAsked, sessionShell, type RemoteShell } from './remoteShell';
import { makeDirs, remoteWriteFailure } from './rungShared';
import { tarOf } from './tarStream';
import { someNames, treeFailure, type RungContext, type TreeRun } from './treeRun';

/**
 * The base64 rung for a tree, over ONE SSH connection: ask the node for size+mtime of every file
 * still to send (sha256 only where the size matches and the mtime does not); send the changed ones
 * as one tar stream, base64 on stdin, into a staging directory under the root (one base64 stream
 * per file where the node has no tar); check each staged file's sha256 and rename it into place
 * with our mtime; remove extras with `--delete`; drop the staging directory.
 */

type Outcome = Result<void, TransportFailureCode>;

/** Bound on removing the staging directory (also after a cancel, on the still-open connection). */
const CLEANUP_MS = 10_000;

interface Step {
  shell: RemoteShell;
  /** The same connection, not bound to the caller's signal: the staging directory goes even after a cancel. */
  cleanup: RemoteShell;
  run: TreeRun;
  root: string;
  staging: string;
  where: string;
}

export async function pushTreeBase64(node: NodeSpec, run: TreeRun, ctx: RungContext): Promise<PushResult> {
  const started = Date.now();
  const where = `node ${node.name}: base64`;
  const resolved = sshRemotePath(run.job.remoteDir, node.remoteBase);
  if (!resolved.ok) return treeFailure('base64', resolved.code, `${where}: ${resolved.message}`, started);
  const ssh = await openSsh(node, ctx.opts, ctx.signal);
  if (!ssh.ok) return treeFailure('base64', ssh.code, `${ssh.message} (base64 tree sync to ${resolved.value})`, started);
  const step: Step = {
    shell: sessionShell(ssh.value, ctx.signal), cleanup: sessionShell(ssh.value, new AbortController().signal),
    run, root: resolved.value, staging: scripts.stagingName(randomBytes(6).toString('hex')), where,
  };
  try {
    const done = await syncOver(step);
    if (!done.ok) return treeFailure('base64', done.code, done.message, started);
    return run.success('base64', resolved.value, started);
  } finally {
    ssh.value.close();
  }
}

async function syncOver(step: Step): Promise<Outcome> {
  const { run } = step;
  const files = run.pendingFiles();
  const seen = await inspectNode(step.shell, step.root, files, run.job.hashes, step.where);
  if (!seen.ok) return seen;
  const plan = planFiles(files, seen.value.states, seen.value.localSha);
  for (const f of plan.skip) run.landed(f.rel, 'base64', false, 0);
  if (plan.send.length + plan.touch.length > 0) {
    const written = await writeFiles(step, plan, seen.value.tools);
    if (!written.ok) return written;
  }
  return deleteIfAsked(step.shell, step.root, run, step.where);
}

/** Directories, the data into staging, then the checked renames; the staging directory goes in any case. */
async function writeFiles(step: Step, plan: FilePlan, tools: NodeTools): Promise<Outcome> {
  try {
    // The staging directory last: made with the tree's directories, in the same exec.
    const made = await makeDirs(step.shell, step.root, [...step.run.job.tree.dirs, step.staging], step.where);
    if (!made.ok) return made;
    const hashes = plan.send.length === 0 ? ok(new Map<number, string>()) : tools.tar ? await sendTar(step, plan.send, tools) : await sendEach(step, plan.send, tools);
    if (!hashes.ok) return hashes;
    const checked = await checkStaged(step, plan.send, hashes.value);
    if (!checked.ok) return checked;
    const finished = await finish(step, plan, tools.tar ? 'mv' : 'stamp');
    if (!finished.ok) return finished;
  } finally {
    await step.cleanup.run(scripts.cleanupScript(step.root, step.staging), undefined, CLEANUP_MS);
  }
  for (const f of plan.send) step.run.landed(f.rel, 'base64', true, f.size);
  for (const f of plan.touch) step.run.landed(f.rel, 'base64', false, 0);
  return ok(undefined);
}

/** The changed files as one tar stream, base64-encoded, into staging (members named by index). */
async function sendTar(step: Step, files: TreeFile[], tools: NodeTools): Promise<Result<Map<number, string>, TransportFailureCode>> {
  const tar = tarOf(files);
  const total = files.reduce((n, f) => n + f.size, 0);
  let done = 0;
  const enc = new Base64Encoder(undefined, (n) => step.run.progress('base64', (done = Math.min(total, done + n)), total));
  pipeline(tar.stream, enc, () => undefined);
  const r = await step.shell.run(scripts.receiveTarScript(step.root, step.staging, tools.decode), enc);
  if (!r.ok) return fail(r.code, `${r.message} (sending ${files.length} files to ${step.root})`);
  if (r.value.code !== 0) return fail(...remoteWriteFailure(step.where, step.root, r.value.stderr, 'tar'));
  return ok(tar.hashes);
}

/** No tar on the node: one base64 stream per file into staging/<index>, over the same connection. */
async function sendEach(step: Step, files: TreeFile[], tools: NodeTools): Promise<Result<Map<number, string>, TransportFailureCode>> {
  const hashes = new Map<number, string>();
  const total = files.reduce((n, f) => n + f.size, 0);
  let done = 0;
  for (const [i, f] of files.entries()) {
    const hash = createHash('sha256');
    const enc = new Base64Encoder(hash, (n) => step.run.progress('base64', (done += n), total));
    pipeline(createReadStream(f.abs) as Readable, enc, () => undefined);
    const r = await step.shell.run(scripts.receiveFileScript(step.root, step.staging, i, tools.decode), enc);
    if (!r.ok) return fail(r.code, `${r.message} (sending ${JSON.stringify(f.rel)} to ${step.root})`);
    if (r.value.code !== 0) return fail(...remoteWriteFailure(step.where, `${step.root}/${f.rel}`, r.value.stderr, 'base64'));
    hashes.set(i, hash.digest('hex'));
  }
  return ok(hashes);
}

/** The node's sha256 of every staged file (named by index) must be the one we sent. */
async function checkStaged(step: Step, files: TreeFile[], hashes: Map<number, string>): Promise<Outcome> {
  const remote = await hashOnNode(step.shell, `${step.root}/${step.staging}`, files.map((_, i) => String(i)), step.where);
  if (!remote.ok) return remote;
  const bad = files.filter((_, i) => remote.value[i] !== hashes.get(i)).map((f) => f.rel);
  if (bad.length === 0) return ok(undefined);
  return fail('checksum_mismatch', `${step.where}: ${someNames(bad)} under ${step.root} arrived with another sha256 than ours; nothing was renamed into place: sync again`);
}

/** The renames (and mtimes of files whose bytes were already right): every line must be `ok`. */
async function finish(step: Step, plan: FilePlan, sentMode: FinishMode): Promise<Outcome> {
  const files = [...plan.send, ...plan.touch];
  const records = files.map((f, i) => scripts.finishRecord(i, i < plan.send.length ? sentMode : 'touch', scripts.touchStamp(f.mtimeMs), f.rel));
  const r = await step.shell.run(scripts.finishScript(step.root, step.staging), Buffer.from(records.join('')), 600_000);
  if (!r.ok) return r;
  const lines = r.value.stdout.split('\n').filter((l) => l !== '');
  const failed = lines.filter((l) => !l.startsWith('ok '));
  if (failed.length === 0 && lines.length === files.length) return ok(undefined);
  const named = (kind: string) => failed.filter((l) => l.startsWith(`${kind} `)).map((l) => files[Number(l.split(' ')[1])]?.rel ?? '?');
  if (named('isdir').length) return fail('target_is_dir', `${step.where}: ${someNames(named('isdir'))} under ${step.root} is a directory on the node; remove it there or rename the local file`);
  const which = failed.length ? someNames(named('fail')) : `${files.length - lines.length} files`;
  return fail('remote_error', `${step.where}: ${which} under ${step.root} could not be put in place${r.value.stderr ? `: ${r.value.stderr}` : ''}`);
}
