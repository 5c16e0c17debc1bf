import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NodeSpec } from '../../core/hosts/nodeSpec';
import type { SyncResult } from '../../core/router';
import type { ClusterSession } from '../../core/session';
import { previewTreeDeletes, type DeletePreview } from '../../core/tree/deletePreview';
import { syncTree } from '../../core/tree/syncTree';
import { hostsLoadedOrExplain, sessionOrExplain, type CommandDeps } from './commandContext';
import { COMMAND_IDS } from './commandIds';
import { NodeRows } from './nodeRows';
import { chooseItems, chooseNodes, pathsOf, tellOutcome, type SyncItem } from './syncToNodes';

/**
 * "Sync Folder to Nodes, Removing Extras…" (sync --delete) from the Explorer: a dry run first
 * lists, per node, the files under the folder's remote place that are not in it; a modal shows
 * them and asks; then each node syncs and removes only what was shown (a file that became extra
 * since stays). A node the dry run could not ask syncs without removing anything. A wrong remote
 * path would otherwise empty a directory on every node.
 */

/** Names per node in the modal; the log has them all. */
const SHOWN_NAMES = 5;

type Previews = Map<SyncItem, DeletePreview[]>;

async function dryRun(deps: CommandDeps, session: ClusterSession, nodes: NodeSpec[], items: SyncItem[]): Promise<Previews | undefined> {
  const previews: Previews = new Map();
  const refused = await deps.ui().withProgress(`Checking what would be removed on ${nodes.length} node(s)`, async (_report, signal) => {
    for (const item of items) {
      const outcome = await previewTreeDeletes(nodes, item.local, item.remote, { transportOptions: session.transportOptions, concurrency: session.router.deps.settings.concurrency, signal });
      if (outcome.kind === 'refused') return outcome.message;
      previews.set(item, outcome.previews);
    }
    return signal.aborted ? 'cancelled' : undefined;
  });
  if (refused === 'cancelled') return undefined;
  if (refused) return void deps.ui().error(`RingRift Sync: ${refused}`);
  return previews;
}

function describe(item: SyncItem, p: DeletePreview): string {
  if (!p.ok) return `${p.node} (${item.remote}): could not check, so nothing is removed there: ${p.message}`;
  if (p.extras.length === 0) return `${p.node} (${item.remote}): nothing to remove`;
  const names = p.extras.slice(0, SHOWN_NAMES).map((n) => JSON.stringify(n)).join(', ');
  const more = p.extras.length > SHOWN_NAMES ? `, and ${p.extras.length - SHOWN_NAMES} more (all in the log)` : '';
  return `${p.node} (${p.root}): ${p.extras.length} file(s): ${names}${more}`;
}

/** True to go on: nothing to remove, or the user agreed to remove what the dry run found. */
async function approve(deps: CommandDeps, previews: Previews, what: string): Promise<boolean> {
  const all = [...previews].flatMap(([item, ps]) => ps.map((p) => ({ item, p })));
  const total = all.reduce((n, { p }) => n + (p.ok ? p.extras.length : 0), 0);
  for (const { item, p } of all) deps.log.info(`remove extras, dry run: ${describe(item, p)}${p.ok && p.extras.length > SHOWN_NAMES ? `: ${p.extras.map((n) => JSON.stringify(n)).join(', ')}` : ''}`);
  if (total === 0) return true;
  const detail = all.map(({ item, p }) => describe(item, p)).join('\n');
  return deps.ui().confirm(`Sync ${what} and remove ${total} file(s) on the nodes that are not in it?`, detail, 'Remove and Sync');
}

/** Per node, the names it may remove for one item (what its dry run listed). */
function approvedFor(previews: DeletePreview[]): Record<string, string[]> {
  return Object.fromEntries(previews.flatMap((p) => (p.ok ? [[p.node, p.extras]] : [])));
}

async function syncRemovingExtras(deps: CommandDeps, memento: vscode.Memento, arg: unknown, selected: unknown): Promise<SyncResult[] | undefined> {
  if (!hostsLoadedOrExplain(deps)) return undefined;
  const o = (arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) ? arg : {}) as { nodes?: unknown; remote?: unknown };
  const items = await chooseItems(deps, pathsOf(arg, selected), typeof o.remote === 'string' ? o.remote : undefined);
  const file = items?.find((i) => !i.isDir);
  if (file) return void deps.ui().error(`RingRift Sync: removing extras is for folders; ${file.local} is a file. Nothing was synced.`);
  const session = items && sessionOrExplain(deps);
  const nodes = session && (await chooseNodes(deps, memento, session, o.nodes));
  if (!items || !session || !nodes) return undefined;
  const what = items.length === 1 ? path.basename(items[0].local) : `${items.length} folders`;
  const previews = await dryRun(deps, session, nodes, items);
  if (!previews || !(await approve(deps, previews, what))) return undefined;
  const all: SyncResult[] = [];
  try {
    await deps.ui().withProgress(`Syncing ${what} to ${nodes.length === 1 ? nodes[0].name : `${nodes.length} nodes`}, removing extras`, async (report, signal) => {
      const rows = new NodeRows(nodes.map((n) => n.name), (message) => report({ message }));
      for (const [item, ps] of previews) {
        if (signal.aborted) break;
        const opts = { signal, delete: true, deleteOnly: approvedFor(ps), onProgress: rows.files.bind(rows) };
        const outcome = await syncTree(session, nodes, item.local, item.remote, opts);
        if (outcome.kind === 'refused') return void deps.ui().error(`RingRift Sync: ${outcome.message}`);
        all.push(...outcome.results);
      }
    });
  } finally {
    deps.store.afterChange();
  }
  tellOutcome(deps, all);
  return all;
}

export function syncRemovingExtrasCommands(deps: CommandDeps, memento: vscode.Memento) {
  return {
    [COMMAND_IDS.syncFolderRemovingExtras]: (arg?: unknown, selected?: unknown) => syncRemovingExtras(deps, memento, arg, selected),
  };
}
