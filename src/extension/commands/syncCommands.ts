import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TRANSPORT_KINDS, type NodeSpec, type TransportKind } from '../../core/hosts/nodeSpec';
import { parseTransportName, type SyncResult } from '../../core/router';
import type { ClusterSession } from '../../core/session';
import { hostsLoadedOrExplain, isEntry, nodeItems, nodeNameOf, resolveTransport, sessionOrExplain, type CommandArg, type CommandDeps } from './commandContext';
import { COMMAND_IDS, type HandlersOf } from './commandIds';

/**
 * Sync a file to nodes with escalation (or over one forced transport). Callable three ways:
 *   - by a person: file picker (or the Explorer's file, or the active editor's), then a node
 *     multi-pick with every ready, enabled node ticked;
 *   - from a tree row: that node, file picker;
 *   - by tests and scripts, no pickers: `{ file, nodes, remotePath?, forceTransport? }`.
 * Returns one SyncResult per node (DESIGN.md's `sync` JSON).
 */
interface SyncRequest {
  file?: string;
  nodes?: string[];
  remotePath?: string;
  forceTransport?: TransportKind;
}

function requestOf(arg: CommandArg): SyncRequest {
  if (arg instanceof vscode.Uri) return { file: arg.fsPath };
  if (isEntry(arg)) return { nodes: arg.node ? [arg.node] : undefined };
  if (typeof arg === 'string') return { nodes: [arg] };
  if (arg && typeof arg === 'object') {
    const o = arg as Record<string, unknown>;
    const force = typeof o.forceTransport === 'string' ? parseTransportName(o.forceTransport) : undefined;
    return {
      file: typeof o.file === 'string' ? o.file : undefined,
      nodes: Array.isArray(o.nodes) ? o.nodes.map(String) : undefined,
      remotePath: typeof o.remotePath === 'string' ? o.remotePath : undefined,
      forceTransport: force,
    };
  }
  return {};
}

async function chooseFile(deps: CommandDeps, given: string | undefined): Promise<string | undefined> {
  if (given) return given;
  const active = vscode.window.activeTextEditor?.document;
  if (active && active.uri.scheme === 'file' && !active.isUntitled) {
    const pick = await deps.ui().pickOne(
      [
        { id: active.uri.fsPath, label: path.basename(active.uri.fsPath), description: 'the active editor\'s file' },
        { id: '', label: 'Choose another file…' },
      ],
      'Sync which file?',
    );
    if (pick === undefined) return undefined;
    if (pick) return pick;
  }
  return deps.ui().pickFile('Sync which file to the nodes?');
}

async function chooseNodes(deps: CommandDeps, session: ClusterSession, given: string[] | undefined, force: TransportKind | undefined): Promise<NodeSpec[] | undefined> {
  let names = given;
  if (!names) {
    const state = deps.store.router();
    // A forced transport also reaches nodes that are not ready or disabled (as the CLI's --force-transport).
    const candidates = force ? session.nodes.filter((n) => n.transports.includes(force) || n.sshHost) : session.nodes.filter((n) => n.ready);
    names = await deps.ui().pickMany(
      nodeItems(deps, candidates, (n) => n.ready && state.nodes[n.name]?.enabled !== false),
      force ? `Push over ${force} to which nodes?` : 'Sync to which nodes? (disabled nodes are skipped until re-enabled)',
    );
    if (!names || names.length === 0) return undefined;
  }
  const nodes: NodeSpec[] = [];
  for (const name of names) {
    const found = session.router.node(name);
    if (!found.ok) {
      void deps.ui().error(`RingRift Sync: ${found.message}`);
      return undefined;
    }
    nodes.push(found.value);
  }
  return nodes;
}

async function syncFile(deps: CommandDeps, arg: CommandArg, force?: TransportKind): Promise<SyncResult[] | undefined> {
  // Say at once when there is no hosts file; but open the session (state, events, transports) only once a file is picked.
  if (!hostsLoadedOrExplain(deps)) return undefined;
  const req = requestOf(arg);
  const forceTransport = force ?? req.forceTransport;
  const file = await chooseFile(deps, req.file);
  if (!file) return undefined;
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat?.isFile()) {
    void deps.ui().error(`RingRift Sync: ${file} is not a file that can be synced.`);
    return undefined;
  }
  const session = sessionOrExplain(deps);
  if (!session) return undefined;
  const nodes = await chooseNodes(deps, session, req.nodes, forceTransport);
  if (!nodes) return undefined;
  const job = { localPath: file, remotePath: req.remotePath ?? path.basename(file) };
  const via = forceTransport ? ` via ${forceTransport}` : '';
  const what = nodes.length === 1 ? nodes[0].name : `${nodes.length} nodes`;
  deps.log.info(`sync ${file} -> ${job.remotePath} on ${nodes.map((n) => n.name).join(', ')}${via}`);
  let results: SyncResult[];
  try {
    results = await deps.ui().withProgress(`Syncing ${path.basename(file)} to ${what}${via}`, async (report, signal) => {
      const percent = new Map<string, number>();
      let reported = 0;
      return session.router.syncMany(nodes, job, {
        signal,
        forceTransport,
        onProgress: (node, transport, done, total) => {
          percent.set(node, total ? (done / total) * 100 : 100);
          const overall = [...percent.values()].reduce((a, b) => a + b, 0) / nodes.length;
          report({ message: `${node} over ${transport}: ${Math.floor((done / Math.max(total, 1)) * 100)}%`, increment: Math.max(0, overall - reported) });
          reported = Math.max(reported, overall);
        },
      });
    });
  } finally {
    deps.store.afterChange();
  }
  for (const r of results) {
    const attempts = r.attempts.map((a) => `${a.transport}:${a.result}${a.error ? ` (${a.error})` : ''}`).join(' -> ');
    deps.log.info(`sync ${r.node}: ${r.success ? 'ok' : 'FAILED'} ${r.message}${attempts ? ` [${attempts}]` : ''}`);
  }
  report(deps, results);
  return results;
}

function report(deps: CommandDeps, results: SyncResult[]): void {
  const ok = results.filter((r) => r.success);
  const failed = results.filter((r) => !r.success);
  if (failed.length === 0) {
    void deps.ui().info(`Synced to ${ok.length} node(s): ${ok.map((r) => `${r.node} via ${r.transportUsed}`).join(', ')}.`);
    return;
  }
  const lines = failed.map((r) => `${r.node}: ${r.message}`);
  void deps.ui().warn(`${ok.length} of ${results.length} node(s) synced. ${lines.join('; ')}`, 'Show Log').then((c) => c && vscode.commands.executeCommand(COMMAND_IDS.showLog));
}

export function syncCommands(deps: CommandDeps) {
  return {
    // The Explorer passes (uri, selectedUris): the clicked file is synced.
    [COMMAND_IDS.syncFile]: (arg) => syncFile(deps, arg),
    [COMMAND_IDS.pushRsync]: (arg) => syncFile(deps, arg, 'rsync'),
    [COMMAND_IDS.pushBase64]: (arg) => syncFile(deps, arg, 'base64'),
    [COMMAND_IDS.forceTransport]: async (arg) => {
      if (!hostsLoadedOrExplain(deps)) return undefined;
      const name = nodeNameOf(arg);
      const node = deps.store.nodes().find((n) => n.name === name);
      const transport = node
        ? await resolveTransport(deps, node, arg, `Push to ${node.name} over which transport?`)
        : ((await deps.ui().pickOne(TRANSPORT_KINDS.map((t) => ({ id: t, label: t })), 'Push over which transport?')) as TransportKind | undefined);
      return transport && syncFile(deps, arg, transport);
    },
  } satisfies HandlersOf<CommandArg>;
}
