import type { NodeSpec } from '../hosts/nodeSpec';
import { mapWithConcurrency } from '../router/pool';
import { openSsh } from '../ssh/connect';
import type { TransportFailureCode } from '../transports/failureCodes';
import { sshRemotePath } from '../transports/remotePath';
import type { TransportOptions } from '../transports/transport';
import type { LocalTree } from './localTree';
import { listExtras, sessionShell } from './remoteShell';
import { treeToSync, type TreeRefused } from './syncTree';

/** What `--delete` would remove on one node (`root`: the remote directory as the node resolves it), or why the node could not be asked. */
export type DeletePreview =
  | { node: string; ok: true; root: string; rootExists: boolean; extras: string[] }
  | { node: string; ok: false; code: TransportFailureCode; message: string };

export type DeletePreviewOutcome = TreeRefused | { kind: 'previewed'; previews: DeletePreview[] };

export interface DeletePreviewOptions {
  transportOptions: TransportOptions;
  concurrency: number;
  signal: AbortSignal;
}

/**
 * `sync --path DIR --delete --dry-run`: per node, over one SSH login, the files under the remote
 * directory that are not in the tree: what `--delete` would remove. Nothing is sent or removed.
 * A wrong --remote would empty a directory, so VS Code shows this and asks before a real --delete.
 */
export async function previewTreeDeletes(nodes: NodeSpec[], localDir: string, remoteDir: string, opts: DeletePreviewOptions): Promise<DeletePreviewOutcome> {
  const walked = await treeToSync(localDir, remoteDir);
  if (!('tree' in walked)) return walked;
  const previews = await mapWithConcurrency(nodes, opts.concurrency, (node) => previewNode(node, walked.tree, remoteDir, opts), opts.signal);
  return {
    kind: 'previewed',
    previews: nodes.map((n, i) => previews[i] ?? { node: n.name, ok: false, code: 'cancelled', message: `${n.name}: cancelled before it was asked` }),
  };
}

async function previewNode(node: NodeSpec, tree: LocalTree, remoteDir: string, opts: DeletePreviewOptions): Promise<DeletePreview> {
  const where = `node ${node.name}: --delete dry run`;
  const root = sshRemotePath(remoteDir, node.remoteBase);
  if (!root.ok) return { node: node.name, ok: false, code: root.code, message: `${where}: ${root.message}` };
  const ssh = await openSsh(node, opts.transportOptions, opts.signal);
  if (!ssh.ok) return { node: node.name, ok: false, code: ssh.code, message: `${ssh.message} (${where})` };
  try {
    const listed = await listExtras(sessionShell(ssh.value, opts.signal), root.value, tree.files, where);
    if (!listed.ok) return { node: node.name, ok: false, code: listed.code, message: listed.message };
    return { node: node.name, ok: true, root: root.value, ...listed.value };
  } finally {
    ssh.value.close();
  }
}
