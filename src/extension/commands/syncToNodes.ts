import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NodeSpec } from '../../core/hosts/nodeSpec';
import type { SyncResult } from '../../core/router';
import type { ClusterSession } from '../../core/session';
import { syncTree } from '../../core/tree/syncTree';
import { hostsLoadedOrExplain, nodesNamed, nodeItems, sessionOrExplain, type CommandDeps } from './commandContext';
import { COMMAND_IDS } from './commandIds';
import { NodeRows } from './nodeRows';

/**
 * "Sync to Nodes…" from the Explorer: the clicked file or folder, or every selected one, to nodes
 * picked with their state (ticked as last time), each to its place in the workspace under the
 * node's ringrift_path (asked, prefilled, for a single item). A folder syncs as a tree (files
 * already up to date are skipped). Progress names each node; Cancel stops every node at once and
 * keeps what the nodes hold (partials resume on the next sync).
 */

/** workspaceState key of the nodes picked last time. */
const LAST_NODES_KEY = 'ringriftSync.syncToNodes.lastNodes';

export interface SyncItem {
  local: string;
  remote: string;
  isDir: boolean;
}

/** The Explorer passes (clicked, selected); the palette nothing; tests `{ paths, nodes, remote? }`. */
export function pathsOf(arg: unknown, selected: unknown): string[] {
  if (Array.isArray(selected) && selected.length > 0 && selected.every((u) => u instanceof vscode.Uri)) return selected.map((u: vscode.Uri) => u.fsPath);
  if (arg instanceof vscode.Uri) return [arg.fsPath];
  const given = (arg as { paths?: unknown } | undefined)?.paths;
  return Array.isArray(given) ? given.map(String) : [];
}

/** Where a local path goes: its place in the workspace (forward slashes), else its name. */
function defaultRemote(local: string): string {
  const rel = vscode.workspace.asRelativePath(vscode.Uri.file(local), false);
  return path.isAbsolute(rel) ? path.basename(local) : rel.split(path.sep).join('/');
}

export async function chooseItems(deps: CommandDeps, paths: string[], remote: string | undefined): Promise<SyncItem[] | undefined> {
  if (paths.length === 0) {
    const picked = await deps.ui().pickFile('Sync which file to the nodes?');
    if (!picked) return undefined;
    paths = [picked];
  }
  const items: SyncItem[] = [];
  for (const local of paths) {
    const st = fs.statSync(local, { throwIfNoEntry: false });
    if (!st?.isFile() && !st?.isDirectory()) {
      void deps.ui().error(`RingRift Sync: ${local} is neither a file nor a folder; nothing was synced.`);
      return undefined;
    }
    items.push({ local, remote: remote ?? defaultRemote(local), isDir: st.isDirectory() });
  }
  if (items.length === 1 && remote === undefined) {
    const asked = await deps.ui().askText(`Where on the nodes? (relative to each node's ringrift_path)`, items[0].remote);
    if (!asked?.trim()) return undefined;
    items[0].remote = asked.trim();
  }
  return items;
}

export async function chooseNodes(deps: CommandDeps, memento: vscode.Memento, session: ClusterSession, given: unknown): Promise<NodeSpec[] | undefined> {
  let names = Array.isArray(given) ? given.map(String) : undefined;
  if (!names) {
    const last = new Set(memento.get<string[]>(LAST_NODES_KEY) ?? []);
    const state = deps.store.router();
    const ticked = (n: NodeSpec) => (last.size > 0 ? last.has(n.name) : n.ready && state.nodes[n.name]?.enabled !== false);
    const why = last.size > 0 ? 'your last choice' : 'every ready, enabled node';
    names = await deps.ui().pickMany(nodeItems(deps, session.nodes, ticked), `Sync to which nodes? (ticked: ${why})`);
    if (!names || names.length === 0) return undefined;
    await memento.update(LAST_NODES_KEY, names);
  }
  return nodesNamed(deps, session, names);
}

/** One item to every node: a folder as a tree, a file through the usual escalation. */
async function syncItem(session: ClusterSession, nodes: NodeSpec[], item: SyncItem, rows: NodeRows, signal: AbortSignal): Promise<SyncResult[] | string> {
  if (!item.isDir) {
    const job = { localPath: item.local, remotePath: item.remote };
    return session.router.syncMany(nodes, job, { signal, onProgress: (node, transport, done, total) => rows.bytes(node, transport, done, total) });
  }
  const outcome = await syncTree(session, nodes, item.local, item.remote, { signal, onProgress: (node, transport, p) => rows.files(node, transport, p) });
  return outcome.kind === 'refused' ? outcome.message : outcome.results;
}

async function syncToNodes(deps: CommandDeps, memento: vscode.Memento, arg: unknown, selected: unknown): Promise<SyncResult[] | undefined> {
  if (!hostsLoadedOrExplain(deps)) return undefined;
  const o = (arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) ? arg : {}) as { nodes?: unknown; remote?: unknown };
  const items = await chooseItems(deps, pathsOf(arg, selected), typeof o.remote === 'string' ? o.remote : undefined);
  const session = items && sessionOrExplain(deps);
  const nodes = session && (await chooseNodes(deps, memento, session, o.nodes));
  if (!items || !session || !nodes) return undefined;
  const what = items.length === 1 ? path.basename(items[0].local) : `${items.length} items`;
  deps.log.info(`sync to nodes: ${items.map((i) => `${i.local} -> ${i.remote}`).join(', ')} on ${nodes.map((n) => n.name).join(', ')}`);
  const all: SyncResult[] = [];
  try {
    await deps.ui().withProgress(`Syncing ${what} to ${nodes.length === 1 ? nodes[0].name : `${nodes.length} nodes`}`, async (report, signal) => {
      const rows = new NodeRows(nodes.map((n) => n.name), (message) => report({ message }));
      for (const item of items) {
        if (signal.aborted) break;
        const r = await syncItem(session, nodes, item, rows, signal);
        if (typeof r === 'string') return void deps.ui().error(`RingRift Sync: ${r}`);
        all.push(...r);
      }
    });
  } finally {
    deps.store.afterChange();
  }
  tellOutcome(deps, all);
  return all;
}

export function tellOutcome(deps: CommandDeps, results: SyncResult[]): void {
  for (const r of results) deps.log.info(`sync ${r.node}: ${r.success ? 'ok' : 'FAILED'} ${r.message}`);
  const failed = results.filter((r) => !r.success);
  if (results.length === 0) return;
  if (failed.length === 0) {
    void deps.ui().info(`Synced to ${new Set(results.map((r) => r.node)).size} node(s).`);
    return;
  }
  void deps.ui()
    .warn(`${results.length - failed.length} of ${results.length} syncs succeeded. ${failed.map((r) => `${r.node}: ${r.message}`).join('; ')}`, 'Show Log')
    .then((c) => c && vscode.commands.executeCommand(COMMAND_IDS.showLog));
}

export function syncToNodesCommands(deps: CommandDeps, memento: vscode.Memento) {
  return {
    [COMMAND_IDS.syncToNodes]: (arg?: unknown, selected?: unknown) => syncToNodes(deps, memento, arg, selected),
  };
}
