import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TRANSPORT_KINDS, type NodeSpec, type TransportKind } from '../../core/hosts/nodeSpec';
import { parseTransportName, type SyncResult } from '../../core/router';
import { defaultRemotePath, fanOut } from '../../core/fanout/fanOut';
import { LOCAL_SOURCE, type FanoutEvent } from '../../core/fanout/results';
import { TransferRates } from './transferRates';
import type { ClusterSession } from '../../core/session';
import type { PushJob } from '../../core/transports/transport';
import { hostsLoadedOrExplain, nodesNamed, isEntry, nodeItems, nodeNameOf, resolveTransport, sessionOrExplain, type CommandArg, type CommandDeps } from './commandContext';
import { COMMAND_IDS, type HandlersOf } from './commandIds';

/**
 * Sync a file to nodes with escalation (or over one forced transport). Callable three ways:
 *   - by a person: file picker (or the Explorer's file, or the active editor's), then a node
 *     multi-pick with every ready, enabled node ticked;
 *   - from a tree row: that node, file picker;
 *   - by tests and scripts, no pickers: `{ file, nodes, remotePath?, forceTransport?, fanout? }`.
 * More than 2 picked nodes: asked whether to fan out (ringriftSync.sync.fanout's choice first).
 * Returns one SyncResult per node (DESIGN.md's `sync` JSON).
 */
interface SyncRequest {
  file?: string;
  nodes?: string[];
  remotePath?: string;
  forceTransport?: TransportKind;
  /** Fan out (sync --fanout); absent: the pick (more than 2 nodes picked) or the setting. */
  fanout?: boolean;
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
      fanout: typeof o.fanout === 'boolean' ? o.fanout : undefined,
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
  return nodesNamed(deps, session, names);
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
  const fanout = await chooseFanout(deps, req, nodes, forceTransport);
  if (fanout === undefined) return undefined;
  const job = { localPath: file, remotePath: req.remotePath ?? defaultRemotePath(file, fanout) };
  const via = forceTransport ? ` via ${forceTransport}` : fanout ? ' (fan-out)' : '';
  const what = nodes.length === 1 ? nodes[0].name : `${nodes.length} nodes`;
  deps.log.info(`sync ${file} -> ${job.remotePath} on ${nodes.map((n) => n.name).join(', ')}${via}`);
  let results: SyncResult[];
  try {
    results = await deps.ui().withProgress(`Syncing ${path.basename(file)} to ${what}${via}`, (report, signal) =>
      fanout ? fanOutWithProgress(deps, session, nodes, job, report, signal) : syncWithProgress(session, nodes, job, forceTransport, report, signal));
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

const FANOUT_CHOICE = 'Fan out (one copy over your uplink)';

type Report = (p: { message?: string; increment?: number }) => void;

/** Fan out or not: asked when a person picked more than 2 nodes (the setting's choice first), else the request or the setting. */
async function chooseFanout(deps: CommandDeps, req: SyncRequest, nodes: NodeSpec[], force: TransportKind | undefined): Promise<boolean | undefined> {
  if (force || nodes.length < 2) return false;
  if (req.fanout !== undefined) return req.fanout;
  const preferred = deps.settings().syncFanout;
  if (req.nodes || nodes.length <= 2) return preferred;
  const items = [
    { id: 'direct', label: 'Push to each node from here', description: `${nodes.length} copies over your uplink` },
    { id: 'fanout', label: FANOUT_CHOICE, description: 'the others pull from verified peers; lands under data/' },
  ];
  const pick = await deps.ui().pickOne(preferred ? items.reverse() : items, `Sync to ${nodes.length} nodes how?`);
  return pick === undefined ? undefined : pick === 'fanout';
}

function syncWithProgress(session: ClusterSession, nodes: NodeSpec[], job: PushJob, forceTransport: TransportKind | undefined, report: Report, signal: AbortSignal): Promise<SyncResult[]> {
  const percent = new Map<string, number>();
  const rates = new TransferRates();
  let reported = 0;
  return session.router.syncMany(nodes, job, {
    signal,
    forceTransport,
    onProgress: (node, transport, done, total) => {
      percent.set(node, total ? (done / total) * 100 : 100);
      const overall = [...percent.values()].reduce((a, b) => a + b, 0) / nodes.length;
      const rate = rates.text(node, transport, done);
      report({ message: `${node} over ${transport}: ${Math.floor((done / Math.max(total, 1)) * 100)}%${rate}`, increment: Math.max(0, overall - reported) });
      reported = Math.max(reported, overall);
    },
  });
}

/** The fan-out, each node's verified copy one step of the bar; the waves go to the log. */
function fanOutWithProgress(deps: CommandDeps, session: ClusterSession, nodes: NodeSpec[], job: PushJob, report: Report, signal: AbortSignal): Promise<SyncResult[]> {
  const step = 100 / nodes.length;
  const progress = (e: FanoutEvent) => {
    if (e.type === 'bytes') return report({ message: `${e.node} over ${e.transport}: ${Math.floor((e.done / Math.max(e.total, 1)) * 100)}%` });
    if (e.type === 'verified') report({ message: `wave ${e.wave}: ${e.node} verified, pulled from ${e.source}`, increment: step });
    else if (e.type === 'pull') report({ message: `wave ${e.wave}: ${e.node} pulling from ${e.source}` });
    if (e.type === 'direct' || e.type === 'resourced') deps.log.info(`fan-out ${e.node}: ${e.type === 'direct' ? `direct from here: ${e.reason}` : `pull from ${e.source} failed, another peer: ${e.error}`}`);
  };
  return fanOut(nodes, job, { router: session.router, transportOptions: session.transportOptions }, progress, signal);
}

function report(deps: CommandDeps, results: SyncResult[]): void {
  const ok = results.filter((r) => r.success);
  const failed = results.filter((r) => !r.success);
  if (failed.length === 0) {
    void deps.ui().info(`Synced to ${ok.length} node(s): ${ok.map((r) => `${r.node} via ${r.transportUsed}${'source' in r && r.source !== LOCAL_SOURCE ? ` from ${String(r.source)}` : ''}`).join(', ')}.`);
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
