/**
 * Every command id of the extension, in one place: code refers to `COMMAND_IDS.testAll`, never to
 * a 'ringriftSync.testAll' literal, so a renamed or removed command is a compile error everywhere.
 * commandTable.ts gives each its title and placement; a unit test keeps package.json equal to both.
 */
export const COMMAND_IDS = {
  testAll: 'ringriftSync.testAll',
  refresh: 'ringriftSync.refresh',
  filter: 'ringriftSync.filter',
  clearFilter: 'ringriftSync.clearFilter',
  showOnlyProblems: 'ringriftSync.showOnlyProblems',
  showAllNodes: 'ringriftSync.showAllNodes',
  openDashboard: 'ringriftSync.openDashboard',
  groupBy: 'ringriftSync.groupBy',
  showStats: 'ringriftSync.showStats',
  showLog: 'ringriftSync.showLog',
  openHostsFile: 'ringriftSync.openHostsFile',
  testNode: 'ringriftSync.testNode',
  diagnoseNode: 'ringriftSync.diagnoseNode',
  diagnoseAll: 'ringriftSync.diagnoseAll',
  testTransport: 'ringriftSync.testTransport',
  syncFile: 'ringriftSync.syncFile',
  syncToNodes: 'ringriftSync.syncToNodes',
  syncFolderRemovingExtras: 'ringriftSync.syncFolderRemovingExtras',
  pushRsync: 'ringriftSync.pushRsync',
  pushBase64: 'ringriftSync.pushBase64',
  forceTransport: 'ringriftSync.forceTransport',
  reenableNode: 'ringriftSync.reenableNode',
  resetNode: 'ringriftSync.resetNode',
  preferTransport: 'ringriftSync.preferTransport',
  clearPreferredTransport: 'ringriftSync.clearPreferredTransport',
  showHistory: 'ringriftSync.showHistory',
  checkDiskSpace: 'ringriftSync.checkDiskSpace',
  restartAgent: 'ringriftSync.restartAgent',
  removeHostKey: 'ringriftSync.removeHostKey',
  copyManualCommands: 'ringriftSync.copyManualCommands',
  setClusterToken: 'ringriftSync.setClusterToken',
  clearClusterToken: 'ringriftSync.clearClusterToken',
  revealInHostsFile: 'ringriftSync.revealInHostsFile',
} as const;

export type CommandName = keyof typeof COMMAND_IDS;
export type CommandId = (typeof COMMAND_IDS)[CommandName];

/** A command handler (arguments as VS Code passes them: a tree row, a node name, a Uri, an options object). */
type Handler = (...args: never[]) => Promise<unknown>;

/** Every command's handler: app.ts joins the modules' tables into one, so a missing handler is a compile error. */
export type HandlerTable = Record<CommandId, Handler>;

/** Some commands' handlers, each taking `Arg` (a module's table, `satisfies` this to type its arguments). */
export type HandlersOf<Arg> = Partial<Record<CommandId, (arg?: Arg) => Promise<unknown>>>;

/** VS Code's own commands the extension runs (not ours: not in package.json). */
export const WORKBENCH_COMMANDS = {
  openSettings: 'workbench.action.openSettings',
  manageTrust: 'workbench.trust.manage',
  saveFile: 'workbench.action.files.save',
  setContext: 'setContext',
} as const;
