import * as vscode from 'vscode';
import { passphraseOpensKey } from '../core/ssh/keyPassphrase';
import type { RingriftSyncApi } from './api';
import { ClusterService } from './cluster/clusterService';
import { HealthCheck } from './cluster/healthCheck';
import { LiveProbes } from './cluster/liveProbes';
import { StateWatcher } from './cluster/stateWatcher';
import { StoredToken } from './cluster/storedToken';
import type { CommandDeps } from './commands/commandContext';
import { doctorCommands } from './commands/doctorCommands';
import { fileCommands } from './commands/fileCommands';
import { infoCommands } from './commands/infoCommands';
import { recoveryCommands } from './commands/recoveryCommands';
import { registerCommands, type Handler } from './commands/registerCommands';
import { sshCommands } from './commands/sshCommands';
import { syncCommands } from './commands/syncCommands';
import { testCommands } from './commands/testCommands';
import { tokenCommands } from './commands/tokenCommands';
import { restoreView, viewCommands } from './commands/viewCommands';
import { DashboardPanel } from './dashboard/dashboardPanel';
import { DoctorPanel } from './doctor/doctorPanel';
import { FixTerminal } from './doctor/fixTerminal';
import { loadHostsState } from './hosts/hostsSource';
import { HostsWatcher } from './hostsWatcher';
import { readSettings } from './settings/extensionSettings';
import { createStatusBar } from './statusBar';
import { NodesModel } from './tree/nodesModel';
import { NodesTreeProvider } from './tree/nodesTreeProvider';
import { corePrompts } from './ui/ui';
import { ReadonlyDocs, VscodeUi } from './ui/vscodeUi';

/**
 * Wires the extension: hosts file -> tree model (+ router state + live tests) -> tree, status bar,
 * dashboard; commands over one core session (ClusterService -> openSession, as the CLI).
 */
export async function startRingriftSync(context: vscode.ExtensionContext, t0: number): Promise<RingriftSyncApi> {
  const log = vscode.window.createOutputChannel('RingRift Sync', { log: true });
  const docs = new ReadonlyDocs();
  const ui = new VscodeUi(docs);
  const uiRef = () => ui;
  const settings = () => readSettings((key) => vscode.workspace.getConfiguration('ringriftSync').get(key), process.env);
  const prompts = corePrompts(uiRef, passphraseOpensKey);
  const live = new LiveProbes();
  const isTrusted = () => vscode.workspace.isTrusted;
  let service: ClusterService | undefined;
  const model = new NodesModel({
    log,
    live,
    load: () =>
      loadHostsState({
        setting: settings().hostsFile,
        folders: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
        env: process.env,
      }),
    readState: (hosts) => service!.readState(hosts),
    thresholds: () => service!.thresholds(),
    diagnosis: (node) => service!.diagnoses.get(node),
  });
  const storedToken = new StoredToken(context.secrets, () => service!.invalidate());
  service = new ClusterService({ hosts: () => model.state(), settings, env: process.env, storedToken: () => storedToken.get(), prompts, log });

  const tree = new NodesTreeProvider(model);
  const treeView = vscode.window.createTreeView('ringriftSync.nodes', { treeDataProvider: tree, showCollapseAll: true });
  const paintView = () => {
    treeView.message = model.message();
    const disabled = model.summary()?.stats.disabledNodeCount ?? 0;
    treeView.badge = disabled ? { value: disabled, tooltip: `${disabled} node(s) disabled for sync` } : undefined;
  };
  const stateWatcher = new StateWatcher(model, service, log);
  const dashboard = new DashboardPanel(context.extensionUri, model, service);
  const fixTerminal = new FixTerminal(context.extensionUri.fsPath, vscode.Uri.joinPath(context.globalStorageUri, 'bin').fsPath);
  const doctor = new DoctorPanel(context.extensionUri, uiRef, {
    ui: uiRef,
    log,
    runInTerminal: (command, usesCli) => fixTerminal.run(command, usesCli),
    openSettings: async (query) => void (await vscode.commands.executeCommand('workbench.action.openSettings', query)),
  });
  const health = new HealthCheck(service, () => settings().healthCheckIntervalMs, isTrusted, () => model.refreshState(), log);

  const deps: CommandDeps = {
    model,
    service,
    live,
    ui: uiRef,
    isTrusted,
    log,
    settings,
    afterChange: () => {
      model.refreshState();
      stateWatcher.logEvents();
    },
  };
  const handlers: Record<string, Handler> = {
    ...fileCommands(model, uiRef, log),
    ...viewCommands(model, context.workspaceState, uiRef),
    ...testCommands(deps),
    ...syncCommands(deps),
    ...recoveryCommands(deps),
    ...infoCommands(deps),
    ...sshCommands(deps),
    ...doctorCommands(deps, doctor),
    ...tokenCommands(deps, storedToken),
    'ringriftSync.openDashboard': async () => dashboard.show(),
  };

  context.subscriptions.push(
    log,
    { dispose: () => (health.stop(), model.dispose()) },
    tree,
    treeView,
    new HostsWatcher(model),
    stateWatcher,
    dashboard,
    doctor,
    fixTerminal,
    storedToken,
    createStatusBar(model),
    docs,
    ...registerCommands(handlers, uiRef, isTrusted, log, () => prompts.forgetOnceDecisions()),
    {
      dispose: model.onDidLoad(() => {
        service!.invalidate();
        health.restart();
      }),
    },
    { dispose: model.onDidChange(paintView) },
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('ringriftSync')) return;
      service!.invalidate();
      stateWatcher.follow();
      model.refreshState();
      health.restart();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      log.info('workspace trusted: connections to nodes are allowed now');
      health.restart();
    }),
  );
  restoreView(model, context.workspaceState);
  await Promise.all([storedToken.load(), model.reload()]);
  if (!isTrusted()) log.info('Restricted Mode: the tree and editing help work; nothing connects to any node until the workspace is trusted');
  const activationMs = Date.now() - t0;
  log.info(`activated in ${activationMs} ms`);
  return { tree, model, service, dashboard, doctor, ui, activationMs };
}
