/**
 * Every command of the extension, in one table: title, icon, where it appears, what an item must
 * be for its context menu, and whether it may connect to a node (Restricted Mode). package.json's
 * `contributes.commands` and `menus` are generated from it (contributions.ts) and a unit test keeps
 * them equal, so a `when` clause never drifts from what the tree's contextValues say.
 */
import { COMMAND_IDS, type CommandId, type CommandName } from './commandIds';

type ItemKind = 'node' | 'transport' | 'summary' | 'problem';

/** A context-menu placement: rows of `kind` whose contextValue has every `all` flag and no `none` flag. */
export interface ItemRule {
  kind: ItemKind;
  all?: string[];
  none?: string[];
  /** Also an inline (hover) button. */
  inline?: boolean;
  group: string;
}

export interface CommandSpec {
  id: CommandId;
  title: string;
  icon?: string;
  /** Connects to nodes or changes shared state: refused (with an explanation) in Restricted Mode. */
  needsTrust: boolean;
  /** Shown in the Command Palette (default true); a string is a `when` clause. */
  palette?: boolean | string;
  items?: ItemRule[];
  /** A button or menu entry in the view's title bar. */
  viewTitle?: { group: string; when?: string };
  /** In the Explorer's context menu: for files only, folders only, or both. */
  explorer?: 'files' | 'folders' | 'filesAndFolders';
}

export const VIEW_ID = 'ringriftSync.nodes';
export const CATEGORY = 'RingRift Sync';

const c = (name: CommandName, spec: Omit<CommandSpec, 'id'>): CommandSpec => ({ id: COMMAND_IDS[name], ...spec });

export const COMMANDS: CommandSpec[] = [
  c('testAll', { title: 'Test All Nodes', icon: 'plug', needsTrust: true, viewTitle: { group: 'navigation@1' } }),
  c('refresh', { title: 'Refresh', icon: 'refresh', needsTrust: false, viewTitle: { group: 'navigation@2' } }),
  c('filter', { title: 'Filter Nodes by Name…', icon: 'filter', needsTrust: false, viewTitle: { group: 'navigation@3' } }),
  c('clearFilter', { title: 'Clear Node Filter', icon: 'clear-all', needsTrust: false, palette: 'ringriftSync.filtered', viewTitle: { group: 'navigation@4', when: 'ringriftSync.filtered' } }),
  c('showOnlyProblems', { title: 'Show Only Problems', icon: 'warning', needsTrust: false, palette: '!ringriftSync.onlyProblems', viewTitle: { group: 'navigation@5', when: '!ringriftSync.onlyProblems' } }),
  c('showAllNodes', { title: 'Show All Nodes', icon: 'list-flat', needsTrust: false, palette: 'ringriftSync.onlyProblems', viewTitle: { group: 'navigation@5', when: 'ringriftSync.onlyProblems' } }),
  c('openDashboard', { title: 'Open Dashboard', icon: 'dashboard', needsTrust: false, viewTitle: { group: 'navigation@6' }, items: [{ kind: 'summary', inline: true, group: '1_info@1' }] }),
  c('groupBy', { title: 'Group Nodes By…', icon: 'group-by-ref-type', needsTrust: false, viewTitle: { group: '1_view@1' } }),
  c('showStats', { title: 'Show Cluster Stats', icon: 'graph', needsTrust: false, viewTitle: { group: '2_info@1' }, items: [{ kind: 'summary', group: '1_info@2' }] }),
  c('showLog', { title: 'Show Log', icon: 'output', needsTrust: false, viewTitle: { group: '2_info@2' } }),
  c('openHostsFile', { title: 'Open Hosts File', icon: 'go-to-file', needsTrust: false, viewTitle: { group: '3_file@1' }, items: [{ kind: 'problem', group: 'navigation@9' }] }),
  c('testNode', { title: 'Test Connectivity', icon: 'plug', needsTrust: true, items: [{ kind: 'node', inline: true, group: '1_test@1' }] }),
  c('diagnoseNode', { title: 'Diagnose Node', icon: 'pulse', needsTrust: true, items: [{ kind: 'node', group: '1_test@2' }] }),
  c('diagnoseAll', { title: 'Diagnose All Nodes', icon: 'pulse', needsTrust: true, viewTitle: { group: 'navigation@7' } }),
  c('testTransport', { title: 'Test This Transport', icon: 'plug', needsTrust: true, items: [{ kind: 'transport', inline: true, group: '1_test@1' }] }),
  c('syncToNodes', { title: 'Sync to Nodes…', icon: 'cloud-upload', needsTrust: true, explorer: 'filesAndFolders' }),
  c('syncFolderRemovingExtras', { title: 'Sync Folder to Nodes, Removing Extras…', icon: 'cloud-upload', needsTrust: true, palette: false, explorer: 'folders' }),
  c('syncFile', { title: 'Sync File to Nodes…', icon: 'cloud-upload', needsTrust: true, items: [{ kind: 'node', all: ['ready'], none: ['disabled'], group: '2_sync@1' }] }),
  c('pushRsync', { title: 'Push File via rsync…', needsTrust: true, items: [{ kind: 'node', all: ['ssh'], group: '2_sync@2' }] }),
  c('pushBase64', { title: 'Push File via base64…', needsTrust: true, items: [{ kind: 'node', all: ['ssh'], group: '2_sync@3' }] }),
  c('forceTransport', { title: 'Push File via a Forced Transport…', needsTrust: true, items: [{ kind: 'node', group: '2_sync@4' }, { kind: 'transport', group: '2_sync@1' }] }),
  c('reenableNode', { title: 'Re-enable Node', icon: 'debug-restart', needsTrust: true, items: [{ kind: 'node', all: ['disabled'], inline: true, group: '3_recover@1' }] }),
  c('resetNode', { title: 'Reset Transport Failures', icon: 'discard', needsTrust: true, items: [{ kind: 'node', all: ['failures'], group: '3_recover@2' }] }),
  c('preferTransport', { title: 'Set Preferred Transport', icon: 'star-empty', needsTrust: true, items: [{ kind: 'transport', none: ['preferred'], group: '3_recover@1' }, { kind: 'node', group: '3_recover@3' }] }),
  c('clearPreferredTransport', { title: 'Clear Preferred Transport', icon: 'star-full', needsTrust: true, items: [{ kind: 'transport', all: ['preferred'], group: '3_recover@1' }, { kind: 'node', all: ['preferred'], group: '3_recover@4' }] }),
  c('showHistory', { title: 'Show Transport History', icon: 'history', needsTrust: false, items: [{ kind: 'node', group: '4_info@1' }, { kind: 'transport', group: '4_info@1' }] }),
  c('checkDiskSpace', { title: 'Check Disk Space', icon: 'database', needsTrust: true, items: [{ kind: 'node', all: ['ssh'], group: '5_ssh@1' }] }),
  c('restartAgent', { title: 'Restart P2P Agent over SSH…', needsTrust: true, items: [{ kind: 'node', all: ['ssh', 'p2p'], group: '5_ssh@2' }] }),
  c('removeHostKey', { title: 'Remove Changed Host Key from known_hosts…', needsTrust: true, items: [{ kind: 'node', all: ['ssh', 'hostKeyChanged'], group: '5_ssh@3' }] }),
  c('copyManualCommands', { title: 'Copy Manual Commands (curl, ssh, rsync, base64)', icon: 'copy', needsTrust: false, items: [{ kind: 'node', group: '6_copy@1' }] }),
  c('setClusterToken', { title: 'Set Cluster Token…', icon: 'key', needsTrust: false }),
  c('clearClusterToken', { title: 'Clear Cluster Token', needsTrust: false }),
  c('revealInHostsFile', { title: 'Reveal Node in Hosts File', icon: 'go-to-file', needsTrust: false, items: [{ kind: 'node', group: '6_copy@2' }] }),
];

/** The `viewItem` regex of a rule, as a `when` clause writes it (between slashes). */
function itemRegex(rule: ItemRule): string {
  const ahead = [...(rule.all ?? []).map((f) => `(?=.*\\b${f}\\b)`), ...(rule.none ?? []).map((f) => `(?!.*\\b${f}\\b)`)];
  return `^${rule.kind}\\b${ahead.join('')}`;
}

export function itemWhen(rule: ItemRule): string {
  return `view == ${VIEW_ID} && viewItem =~ /${itemRegex(rule)}/`;
}

/** Commands a row's context menu offers (what VS Code evaluates from the `when` clauses). */
export function commandsFor(contextValue: string): CommandId[] {
  return COMMANDS.filter((s) => s.items?.some((r) => new RegExp(itemRegex(r)).test(contextValue))).map((s) => s.id);
}
