import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NodesModel } from './tree/nodesModel';

/**
 * Reloads the model (debounced) when the hosts file changes: any distributed_hosts.yaml in the
 * workspace (so a newly created one is found), plus the loaded file itself, which the setting may
 * put outside the workspace.
 */
export class HostsWatcher implements vscode.Disposable {
  private readonly workspaceWatcher: vscode.FileSystemWatcher;
  private fileWatcher: vscode.FileSystemWatcher | undefined;
  private watchedFile: string | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly unsubscribe: () => void;

  constructor(private readonly model: NodesModel) {
    this.workspaceWatcher = this.watch('**/distributed_hosts.yaml');
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('ringriftSync.hostsFile')) model.scheduleReload();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => model.scheduleReload()),
    );
    this.unsubscribe = model.onDidLoad(() => this.followLoadedFile());
  }

  private watch(pattern: vscode.GlobPattern): vscode.FileSystemWatcher {
    const watcher = vscode.workspace.createFileSystemWatcher(pattern);
    const reload = () => this.model.scheduleReload();
    this.subscriptions.push(watcher.onDidChange(reload), watcher.onDidCreate(reload), watcher.onDidDelete(reload));
    return watcher;
  }

  /** Watches exactly the file the model loaded (or failed to read). */
  private followLoadedFile(): void {
    const state = this.model.state();
    const file = state && state.kind !== 'not_found' ? state.file : undefined;
    if (file === this.watchedFile) return;
    this.fileWatcher?.dispose();
    this.watchedFile = file;
    this.fileWatcher = file
      ? this.watch(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)))
      : undefined;
  }

  dispose(): void {
    this.unsubscribe();
    this.workspaceWatcher.dispose();
    this.fileWatcher?.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
