import * as vscode from 'vscode';
import type { ClusterStore } from './clusterStore';

/**
 * Shared state: a CLI run (or another window) writes the state dir; this watcher tells the store,
 * which re-reads the router state and logs the new events, so the tree, dashboard and log show
 * what the CLI did. Follows the state dir when the setting changes.
 */
export class StateWatcher implements vscode.Disposable {
  private watcher: vscode.FileSystemWatcher | undefined;
  private dir: string | undefined;

  constructor(private readonly store: ClusterStore) {
    this.follow();
  }

  /** (Re)starts watching the state dir in force. */
  follow(): void {
    const dir = this.store.service.stateDir();
    if (dir === this.dir) return;
    this.watcher?.dispose();
    this.dir = dir;
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), '*'));
    const changed = () => this.store.stateDirChanged();
    this.watcher.onDidChange(changed);
    this.watcher.onDidCreate(changed);
    this.watcher.onDidDelete(changed);
  }

  dispose(): void {
    this.watcher?.dispose();
  }
}
