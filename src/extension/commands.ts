import * as vscode from 'vscode';
import type { NodesModel } from './tree/nodesModel';
import { OPEN_HOSTS_FILE_COMMAND } from './tree/nodesTreeProvider';
import type { FileLocation, TreeEntry } from './tree/treeEntry';

/** `ringriftSync.refresh`: reload the hosts file now (view title button). */
export function registerRefresh(model: NodesModel): vscode.Disposable {
  return vscode.commands.registerCommand('ringriftSync.refresh', () => model.reload());
}

/**
 * `ringriftSync.openHostsFile`: opens the hosts file, at a row's place when called from the tree
 * (a node's key, an error's position). Returns the opened file's path (tests use it).
 */
export function registerOpenHostsFile(model: NodesModel): vscode.Disposable {
  return vscode.commands.registerCommand(OPEN_HOSTS_FILE_COMMAND, async (entry?: TreeEntry) => {
    const state = model.state();
    const location: FileLocation | undefined =
      entry?.location ?? (state && state.kind !== 'not_found' ? { file: state.file, line: 1, column: 1 } : undefined);
    if (!location) {
      const message = state?.kind === 'not_found' ? state.message : 'The hosts file has not been loaded yet; try again in a moment.';
      const choice = await vscode.window.showErrorMessage(message, 'Open Settings');
      if (choice) await vscode.commands.executeCommand('workbench.action.openSettings', 'ringriftSync.hostsFile');
      return undefined;
    }
    const position = new vscode.Position(location.line - 1, location.column - 1);
    await vscode.window.showTextDocument(vscode.Uri.file(location.file), { selection: new vscode.Range(position, position) });
    return location.file;
  });
}
