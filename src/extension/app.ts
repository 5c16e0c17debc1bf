import * as path from 'node:path';
import * as vscode from 'vscode';
import { passphraseOpensKey } from '../core/ssh/keyPassphrase';
import type { RingriftSyncApi } from './api';
import { ClusterStore } from './cluster/clusterStore';
import { HealthCheck } from './cluster/healthCheck';
import { StateWatcher } from './cluster/stateWatcher';
import type { Log } from './cluster/storePorts';
import { StoredToken } from './cluster/storedToken';
import type { CommandDeps } from './commands/commandContext';
import { COMMAND_IDS, WORKBENCH_COMMANDS, type HandlerTable } from './commands/commandIds';
import { VIEW_ID } from './commands/commandTable';
import { doctorCommands } from './commands/doctorCommands';
import { fileCommands } from './commands/fileCommands';
import { infoCommands } from './commands/infoCommands';
import { recoveryCommands } from './commands/recoveryCommands';
import { registerCommands } from './commands/registerCommands';
import { sshCommands } from './commands/sshCommands';
import { syncRemovingExtrasCommands } from './commands/syncRemovingExtras';
import { syncToNodesCommands } from './commands/syncToNodes';
import { syncCommands } from './commands/syncCommands';
import { testCommands } from './commands/testCommands';
import { tokenCommands } from './commands/tokenCommands';
import { restoreView, viewCommands } from './commands/viewCommands';
import { DashboardPanel } from './dashboard/dashboardPanel';
import { DoctorPanel } from './doctor/doctorPanel';
import { FixTerminal } from './doctor/fixTerminal';
import { loadHostsState } from './hosts/hostsSource';
import { offThreadParser } from './hosts/offThreadParser';
import { HostsWatcher } from './hostsWatcher';
import { registerLanguageFeatures } from './language';
import { readSettings, type ExtensionSettings } from './settings/extensionSettings';
import { StallMonitor } from './stallMonitor';
import { createStatusBar } from './statusBar';
import { NodesTreeProvider } from './tree/nodesTreeProvider';
import { corePrompts, type Ui } from './ui/ui';
import { ReadonlyDocs, VscodeUi } from './ui/vscodeUi';

/**
 * Builds the extension in one order, nothing wired after the fact:
 *   1. platform: log, prompts, settings (VS Code behind small interfaces);
 *   2. the cluster store (hosts file + editor text, router state, diagnoses, probes, lazy session);
 *   3. its projections: tree, status bar, dashboard, editing help; the doctor's report view;
 *   4. commands over the store; 5. what follows settings, trust and the hosts file.
 */
interface Platform {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  docs: ReadonlyDocs;
  ui: VscodeUi;
  uiRef: () => Ui;
  settings: () => ExtensionSettings;
  prompts: ReturnType<typeof corePrompts>;
  isTrusted: () => boolean;
}

function createPlatform(context: vscode.ExtensionContext): Platform {
  const log = vscode.window.createOutputChannel('RingRift Sync', { log: true });
  const docs = new ReadonlyDocs();
  const ui = new VscodeUi(docs);
  const uiRef = () => ui;
  const settings = () => readSettings((key) => vscode.workspace.getConfiguration('ringriftSync').get(key), process.env);
  const prompts = corePrompts(uiRef, passphraseOpensKey);
  context.subscriptions.push(log, docs);
  return { context, log, docs, ui, uiRef, settings, prompts, isTrusted: () => vscode.workspace.isTrusted };
}

function createStore(p: Platform, token: StoredToken): ClusterStore {
  // scripts/build.mjs bundles the worker beside dist/extension.js.
  const parse = offThreadParser(path.join(p.context.extensionPath, 'dist', 'hostsParseWorker.js'), (why) => p.log.warn(why));
  const store = new ClusterStore({
    loadHosts: () =>
      loadHostsState(
        {
          setting: p.settings().hostsFile,
          folders: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
          env: process.env,
        },
        parse,
      ),
    settings: p.settings,
    env: process.env,
    token,
    prompts: p.prompts,
    log: p.log,
  });
  p.context.subscriptions.push({ dispose: () => store.dispose() }, new HostsWatcher(store));
  return store;
}

interface Views {
  tree: NodesTreeProvider;
  dashboard: DashboardPanel;
  doctor: DoctorPanel;
}

function createViews(p: Platform, store: ClusterStore): Views {
  const { context } = p;
  const tree = new NodesTreeProvider(store);
  const treeView = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  const paintView = () => {
    treeView.message = store.message();
    const disabled = store.summary()?.stats.disabledNodeCount ?? 0;
    treeView.badge = disabled ? { value: disabled, tooltip: `${disabled} node(s) disabled for sync` } : undefined;
  };
  const dashboard = new DashboardPanel(context.extensionUri, store);
  const fixTerminal = new FixTerminal(context.extensionUri.fsPath, vscode.Uri.joinPath(context.globalStorageUri, 'bin').fsPath);
  const doctor = new DoctorPanel(context.extensionUri, p.uiRef, {
    ui: p.uiRef,
    log: p.log,
    runInTerminal: (command, usesCli) => fixTerminal.run(command, usesCli),
    openSettings: async (query) => void (await vscode.commands.executeCommand(WORKBENCH_COMMANDS.openSettings, query)),
  });
  context.subscriptions.push(tree, treeView, { dispose: store.onDidChange(paintView) }, dashboard, doctor, fixTerminal, createStatusBar(store));
  registerLanguageFeatures(context, store);
  return { tree, dashboard, doctor };
}

function registerAllCommands(p: Platform, store: ClusterStore, views: Views, token: StoredToken): void {
  const deps: CommandDeps = { store, ui: p.uiRef, isTrusted: p.isTrusted, log: p.log, settings: p.settings };
  const handlers: HandlerTable = {
    ...fileCommands(store, p.uiRef, p.log),
    ...viewCommands(store, p.context.workspaceState, p.uiRef),
    ...testCommands(deps),
    ...syncCommands(deps),
    ...syncToNodesCommands(deps, p.context.workspaceState),
    ...syncRemovingExtrasCommands(deps, p.context.workspaceState),
    ...recoveryCommands(deps),
    ...infoCommands(deps),
    ...sshCommands(deps),
    ...doctorCommands(deps, views.doctor),
    ...tokenCommands(deps, token),
    [COMMAND_IDS.openDashboard]: async () => views.dashboard.show(),
  };
  p.context.subscriptions.push(...registerCommands(handlers, p.uiRef, p.isTrusted, p.log, () => p.prompts.forgetOnceDecisions()));
}

/** The periodic health check and the state dir follow the hosts file, the settings and workspace trust. */
function followChanges(p: Platform, store: ClusterStore): void {
  const stateWatcher = new StateWatcher(store);
  const health = new HealthCheck(store, () => p.settings().healthCheckIntervalMs, p.isTrusted, () => store.afterChange(), p.log);
  let loaded = store.hosts();
  p.context.subscriptions.push(
    stateWatcher,
    { dispose: () => health.stop() },
    {
      dispose: store.onDidChange(() => {
        if (store.hosts() === loaded) return;
        loaded = store.hosts();
        health.restart();
      }),
    },
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('ringriftSync')) return;
      store.settingsChanged();
      stateWatcher.follow();
      health.restart();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      p.log.info('workspace trusted: connections to nodes are allowed now');
      health.restart();
    }),
  );
}

export async function startRingriftSync(context: vscode.ExtensionContext, t0: number): Promise<RingriftSyncApi> {
  const stalls = new StallMonitor();
  context.subscriptions.push({ dispose: () => stalls.stop() });
  const platform = createPlatform(context);
  const token = new StoredToken(context.secrets);
  context.subscriptions.push(token);
  const store = createStore(platform, token);
  const views = createViews(platform, store);
  registerAllCommands(platform, store, views, token);
  followChanges(platform, store);
  restoreView(store, context.workspaceState);
  await Promise.all([token.load(), store.reload()]);
  const activationMs = Date.now() - t0;
  logStart(platform.log, platform.isTrusted(), activationMs);
  return { ...views, store, ui: platform.ui, activationMs, stalls };
}

function logStart(log: Log, trusted: boolean, activationMs: number): void {
  if (!trusted) log.info('Restricted Mode: the tree and editing help work; nothing connects to any node until the workspace is trusted');
  log.info(`activated in ${activationMs} ms`);
}
