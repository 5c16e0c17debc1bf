import * as vscode from 'vscode';
import type { RingriftSyncApi } from './api';
import { registerOpenHostsFile, registerRefresh } from './commands';
import { loadHostsState } from './hosts/hostsSource';
import { HostsWatcher } from './hostsWatcher';
import { NodesModel } from './tree/nodesModel';
import { NodesTreeProvider } from './tree/nodesTreeProvider';

export async function activate(context: vscode.ExtensionContext): Promise<RingriftSyncApi> {
  const t0 = Date.now();
  const log = vscode.window.createOutputChannel('RingRift Sync', { log: true });
  const model = new NodesModel({
    log,
    load: () =>
      loadHostsState({
        setting: vscode.workspace.getConfiguration('ringriftSync').get<string>('hostsFile'),
        folders: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
        env: process.env,
      }),
  });
  const tree = new NodesTreeProvider(model);
  context.subscriptions.push(
    log,
    { dispose: () => model.dispose() },
    tree,
    vscode.window.createTreeView('ringriftSync.nodes', { treeDataProvider: tree, showCollapseAll: true }),
    new HostsWatcher(model),
    registerRefresh(model),
    registerOpenHostsFile(model),
  );
  await model.reload();
  const activationMs = Date.now() - t0;
  log.info(`activated in ${activationMs} ms`);
  return { tree, activationMs };
}

export function deactivate(): void {}
