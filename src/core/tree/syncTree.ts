import type { NodeSpec, TransportKind } from '../hosts/nodeSpec';
import { SyncRouter, type SyncResult } from '../router/syncRouter';
import type { PushJob, PushProgress, Transport, TransportOptions } from '../transports/transport';
import { pushTreeAgent } from './agentTree';
import { pushTreeBase64 } from './base64Tree';
import { FilesHasher } from './filesHasher';
import type { LocalTree, TreeRefusal } from './localTree';
import { pushTreeRsync } from './rsyncTree';
import { WarmLogins } from './sshMaster';
import { TreeRun, type FilesReport, type TreeJob, type TreeProgress } from './treeRun';
import { walkTree } from './walk';

/**
 * Syncs a local directory tree to nodes, each through its own escalation as for a single file
 * (the same router: plan, probes, failure counting, disabling, history, events), with the tree as
 * the unit of transfer: a rung sends what is still missing of it and leaves the rest to the next.
 * The surfaces (CLI, extension) call this; nothing is sent when the walk refused anything.
 */

export interface TreeSyncOptions {
  forceTransport?: TransportKind;
  /** Remove files under the remote directory that are not in the tree (never by default). */
  delete?: boolean;
  /**
   * With `delete`: per node, the only names it may remove (what a dry run listed and the user
   * approved; a file that became extra since stays). A node not listed removes nothing.
   */
  deleteOnly?: Readonly<Record<string, readonly string[]>>;
  concurrency?: number;
  signal: AbortSignal;
  /** Files and bytes of one node's sync, as its current rung moves them. */
  onProgress?: (node: string, transport: TransportKind, progress: TreeProgress) => void;
}

export interface TreeSyncResult extends SyncResult {
  files: FilesReport;
}

export type TreeSyncOutcome =
  /** Something in the tree (or the remote directory) stops the sync: every offending entry, nothing sent. */
  | { kind: 'refused'; refusals: TreeRefusal[]; message: string }
  | { kind: 'synced'; results: TreeSyncResult[] };

export interface TreeSyncSession {
  router: SyncRouter;
  transportOptions: TransportOptions;
}

export type TreeRefused = Extract<TreeSyncOutcome, { kind: 'refused' }>;

/** The local tree of a sync, or everything that stops it (a `..` in the remote directory, entries of the tree). */
export async function treeToSync(localDir: string, remoteDir: string): Promise<{ tree: LocalTree } | TreeRefused> {
  return remoteDirRefusal(remoteDir) ?? walkedTree(localDir);
}

/** The local tree, or every entry of it that stops a sync. */
async function walkedTree(localDir: string): Promise<{ tree: LocalTree } | TreeRefused> {
  const { tree, refusals } = await walkTree(localDir);
  if (refusals.length === 0) return { tree };
  const lines = refusals.map((r) => `  ${JSON.stringify(r.path)}: ${r.reason}: ${r.detail}`);
  return { kind: 'refused', refusals, message: `${localDir}: ${refusals.length} entries cannot be synced; nothing was sent:\n${lines.join('\n')}` };
}

/** A remote directory with `..` would leave the node's base directory. */
function remoteDirRefusal(remoteDir: string): TreeRefused | undefined {
  if (!remoteDir.replace(/\\/g, '/').split('/').includes('..')) return undefined;
  return { kind: 'refused', refusals: [], message: `remote directory '${remoteDir}' contains '..': it would leave the node's base directory; nothing was sent` };
}

export async function syncTree(session: TreeSyncSession, nodes: NodeSpec[], localDir: string, remoteDir: string, opts: TreeSyncOptions): Promise<TreeSyncOutcome> {
  // One run per node: a node named twice is synced once (its rungs share what is left to send).
  nodes = nodes.filter((n, i) => nodes.findIndex((m) => m.name === n.name) === i);
  const outside = remoteDirRefusal(remoteDir);
  if (outside) return outside;
  const logins = new WarmLogins(session.transportOptions);
  const hashes = new FilesHasher();
  try {
    warmWhileWalking(session.router, nodes, logins, opts);
    const walked = await walkedTree(localDir);
    if (!('tree' in walked)) return walked;
    const job: TreeJob = { tree: walked.tree, remoteDir, delete: opts.delete === true, hashes };
    return { kind: 'synced', results: await syncWalked(session, nodes, job, logins, opts) };
  } finally {
    hashes.close();
    await logins.closeAll();
  }
}

/**
 * The logins of the nodes whose sync starts with rsync (as many as sync at once), made while the
 * tree is walked: a login is round trips to the node, a big tree's walk is the local disk. A tree
 * the walk refuses sends nothing; its logins close.
 */
function warmWhileWalking(router: SyncRouter, nodes: NodeSpec[], logins: WarmLogins, opts: TreeSyncOptions): void {
  const firstGo = nodes.slice(0, opts.concurrency ?? router.deps.settings.concurrency);
  const first = router.firstTransports(firstGo, opts.forceTransport);
  for (const node of firstGo) if (first.get(node.name) === 'rsync') logins.warm(node, opts.signal);
}

async function syncWalked(session: TreeSyncSession, nodes: NodeSpec[], job: TreeJob, logins: WarmLogins, opts: TreeSyncOptions): Promise<TreeSyncResult[]> {
  const only = (name: string) => (opts.deleteOnly ? new Set(opts.deleteOnly[name] ?? []) : undefined);
  const runs = new Map(nodes.map((n) => [n.name, new TreeRun(n.name, job, (t, p) => opts.onProgress?.(n.name, t, p), only(n.name))]));
  const router = new SyncRouter({
    ...session.router.deps,
    transports: treeTransports(session.router.deps.transports, session.transportOptions, runs, logins),
  });
  const pushJob: PushJob = { localPath: job.tree.root, remotePath: job.remoteDir };
  const results = await router.syncMany(nodes, pushJob, { signal: opts.signal, forceTransport: opts.forceTransport, concurrency: opts.concurrency });
  return results.map((r) => ({ ...r, files: runs.get(r.node)!.report }));
}

/** The chain's transports with the tree as their unit: probes as they are (rsync's over its rung's login when up), pushes by rung. */
function treeTransports(base: Record<TransportKind, Transport>, opts: TransportOptions, runs: Map<string, TreeRun>, logins: WarmLogins): Record<TransportKind, Transport> {
  const rung = (kind: TransportKind): Transport => ({
    kind,
    probe: (node, signal, round) => {
      const probe = () => base[kind].probe(node, signal, round);
      return kind === 'rsync' ? logins.probe(node, signal, probe) : probe();
    },
    ...(kind === 'rsync' ? { prepare: (node: NodeSpec, _job: PushJob, signal: AbortSignal) => logins.warm(node, signal) } : {}),
    push: (node: NodeSpec, _job: PushJob, _progress: PushProgress, signal: AbortSignal) => {
      const run = runs.get(node.name)!;
      const ctx = { opts, signal };
      if (kind === 'rsync') return pushTreeRsync(node, run, ctx, logins.take(node.name));
      if (kind === 'base64') return pushTreeBase64(node, run, ctx);
      return pushTreeAgent(base[kind] as Transport & { kind: typeof kind }, node, run, ctx);
    },
  });
  return { p2p: rung('p2p'), http: rung('http'), rsync: rung('rsync'), base64: rung('base64') };
}
