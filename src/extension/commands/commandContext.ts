import * as vscode from 'vscode';
import type { NodeSpec, TransportKind } from '../../core/hosts/nodeSpec';
import type { ClusterSession } from '../../core/session';
import type { ClusterStore } from '../cluster/clusterStore';
import { nodeView } from '../cluster/nodeView';
import type { Log } from '../cluster/storePorts';
import type { ExtensionSettings } from '../settings/extensionSettings';
import type { TreeEntry } from '../tree/treeEntry';
import type { PickItem, Ui } from '../ui/ui';
import { describeNode } from '../tree/nodeEntry';

/** What every command handler works with. */
export interface CommandDeps {
  /** The cluster store: what the commands read, and the actions they take (session, afterChange, live probes). */
  store: ClusterStore;
  /** A getter: the extension-host tests swap the Ui for stubs. */
  ui: () => Ui;
  isTrusted: () => boolean;
  log: Log;
  settings: () => ExtensionSettings;
}

/** A handler's first argument: a tree row, a node name, or (from tests and scripts) an options object. */
export type CommandArg = TreeEntry | string | Record<string, unknown> | vscode.Uri | undefined;

export function isEntry(arg: unknown): arg is TreeEntry {
  return typeof arg === 'object' && arg !== null && 'kind' in arg && 'contextValue' in arg && 'id' in arg;
}

/** The node a command was invoked on, if it names one. */
export function nodeNameOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (isEntry(arg)) return arg.node;
  if (arg && typeof arg === 'object' && typeof (arg as { node?: unknown }).node === 'string') return (arg as { node: string }).node;
  return undefined;
}

export function transportOf(arg: unknown): TransportKind | undefined {
  if (isEntry(arg)) return arg.transport;
  const t = arg && typeof arg === 'object' ? (arg as { transport?: unknown }).transport : undefined;
  return typeof t === 'string' ? (t as TransportKind) : undefined;
}

/** Whether a hosts file is loaded (no session opened); if not, tells the user why. */
export function hostsLoadedOrExplain(deps: CommandDeps): boolean {
  const hosts = deps.store.hosts();
  if (hosts?.kind === 'loaded') return true;
  void deps.ui().error(`RingRift Sync: ${hosts ? hosts.message : 'The hosts file has not been loaded yet; try again in a moment.'}`);
  return false;
}

/** Opens the session, or tells the user why there is none (no hosts file, unreadable). */
export function sessionOrExplain(deps: CommandDeps): ClusterSession | undefined {
  const s = deps.store.session();
  if (s.ok) return s.value;
  void deps.ui().error(`RingRift Sync: ${s.message}`);
  return undefined;
}

/** The named nodes of the session, or undefined after telling which name is unknown. */
export function nodesNamed(deps: CommandDeps, session: ClusterSession, names: readonly string[]): NodeSpec[] | undefined {
  const nodes: NodeSpec[] = [];
  for (const name of names) {
    const found = session.router.node(name);
    if (!found.ok) return void deps.ui().error(`RingRift Sync: ${found.message}`);
    nodes.push(found.value);
  }
  return nodes;
}

/** Pick items for nodes, each with its state as the tree shows it. */
export function nodeItems(deps: CommandDeps, nodes: NodeSpec[], picked: (n: NodeSpec) => boolean = () => false): PickItem[] {
  const state = deps.store.router();
  const now = Date.now();
  return nodes.map((n) => ({ id: n.name, label: n.name, description: describeNode(n, nodeView(n, state, now)), picked: picked(n) }));
}

/** The node named by `arg`, else one the user picks. Undefined: unknown name (explained) or cancelled. */
export async function resolveNode(deps: CommandDeps, session: ClusterSession, arg: unknown, title: string): Promise<NodeSpec | undefined> {
  const name = nodeNameOf(arg) ?? (await deps.ui().pickOne(nodeItems(deps, session.nodes), title));
  if (name === undefined) return undefined;
  const found = session.router.node(name);
  if (!found.ok) void deps.ui().error(`RingRift Sync: ${found.message}`);
  return found.ok ? found.value : undefined;
}

/** A transport of the node's chain: from the argument, else picked. */
export async function resolveTransport(deps: CommandDeps, node: NodeSpec, arg: unknown, title: string): Promise<TransportKind | undefined> {
  const given = transportOf(arg);
  if (given) return given;
  const items = node.transports.map((t) => ({ id: t, label: t }));
  return (await deps.ui().pickOne(items, title)) as TransportKind | undefined;
}
