import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { AgentTransportKind, NodeSpec } from '../hosts/nodeSpec';
import { mapWithConcurrency } from '../router/pool';
import { fileKey, rememberSha } from '../transports/cellHashCache';
import { httpRemotePath } from '../transports/remotePath';
import type { PushLimit, PushResult, Transport } from '../transports/transport';
import type { TreeFile } from './localTree';
import { someNames, treeFailure, type RungContext, type TreeRun } from './treeRun';

/**
 * The p2p and http rungs for a tree: one push per file still to send, over the transport as it is
 * (our agent: HEAD first, skipped when size and sha256 already match; the orchestrator: its limits
 * checked before any byte). A file the orchestrator refuses (a limit) is left to the SSH rungs and
 * named in the report. Files that landed stay landed when a later one fails: the next rung sends
 * only the rest. Neither agent removes files: `--delete` is left to the SSH rungs too.
 */
/** Files pushed at once: requests overlap their round trips; each file is still one verified push. */
const FILES_AT_ONCE = 4;

export async function pushTreeAgent(transport: Transport & { kind: AgentTransportKind }, node: NodeSpec, run: TreeRun, ctx: RungContext): Promise<PushResult> {
  const started = Date.now();
  const kind = transport.kind;
  const where = `node ${node.name}: ${kind}`;
  const dir = httpRemotePath(run.job.remoteDir);
  if (!dir.ok) return treeFailure(kind, dir.code, `${where}: ${dir.message}`, started);
  const files = run.pendingFiles();
  const total = files.reduce((n, f) => n + f.size, 0);
  const moving = new Map<string, number>();
  let landedBytes = 0;
  const limited: Array<{ rel: string; limit: PushLimit }> = [];
  let failure: PushResult | undefined;
  await mapWithConcurrency(files, FILES_AT_ONCE, async (f) => {
    if (failure || ctx.signal.aborted) return;
    if (f.rel.includes('\\')) {
      // The HTTP path rules read `\` as a separator: the file would land under another name.
      run.refused(f.rel, 'name_unsupported', kind);
      limited.push({ rel: f.rel, limit: 'name_unsupported' });
      return;
    }
    const job = { localPath: f.abs, remotePath: path.posix.join(dir.value, f.rel), skipWhenSame: true };
    await rememberSmallFileSha(f);
    const r = await withChildSignal(ctx.signal, (signal) => transport.push(node, job, (done) => {
      moving.set(f.rel, done);
      run.progress(kind, landedBytes + [...moving.values()].reduce((a, b) => a + b, 0), total);
    }, signal));
    moving.delete(f.rel);
    landedBytes += f.size;
    if (r.ok) run.landed(f.rel, kind, !r.skipped, r.bytesSent);
    else if (r.limit) {
      run.refused(f.rel, r.limit, kind);
      limited.push({ rel: f.rel, limit: r.limit });
    } else {
      failure ??= treeFailure(kind, r.code, `${r.message} (file ${JSON.stringify(f.rel)} of the tree ${dir.value}; the files that landed stay)`, started);
    }
  });
  if (failure) return failure;
  if (ctx.signal.aborted) return treeFailure(kind, 'cancelled', `${where}: cancelled (${run.report.sent + run.report.skipped} of ${run.report.total} files are on the node)`, started);
  return finishAgentRung(kind, where, dir.value, run, limited, started);
}

/** Every file tried: the files the server's limits kept out, or `--delete`, go to the next rung. */
function finishAgentRung(kind: AgentTransportKind, where: string, dir: string, run: TreeRun, limited: Array<{ rel: string; limit: PushLimit }>, started: number): PushResult {
  if (limited.length > 0) {
    const reasons = [...new Set(limited.map((l) => l.limit))].join(', ');
    const message = `${where}: ${limited.length} files of ${dir} do not fit the server's limits (${reasons}: ${someNames(limited.map((l) => l.rel))}); they go over the next transport`;
    return treeFailure(kind, limited[0].limit, message, started, limited[0].limit);
  }
  if (run.deletePending) {
    return treeFailure(kind, 'delete_needs_ssh', `${where}: every file of ${dir} is on the node, but the agent cannot remove files: --delete goes over the next (SSH) transport`, started, 'delete_needs_ssh');
  }
  return run.success(kind, dir, started);
}

/** Below this, a file is hashed here before its push (a worker thread per small file costs more than the hash). */
const HASH_HERE_BYTES = 1 << 20;

async function rememberSmallFileSha(f: TreeFile): Promise<void> {
  if (f.size > HASH_HERE_BYTES) return;
  try {
    const [st, bytes] = await Promise.all([fs.stat(f.abs), fs.readFile(f.abs)]);
    if (st.size === bytes.length) rememberSha(fileKey(st), createHash('sha256').update(bytes).digest('hex'));
  } catch {
    /* the push reads it again and says what is wrong */
  }
}

/** `work` under its own signal that follows `parent`: one listener on the parent per file in flight. */
async function withChildSignal<T>(parent: AbortSignal, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const child = new AbortController();
  const forward = () => child.abort();
  parent.addEventListener('abort', forward, { once: true });
  try {
    return await work(child.signal);
  } finally {
    parent.removeEventListener('abort', forward);
  }
}
