import * as path from 'node:path';
import * as vscode from 'vscode';
import { HOSTS_FILE_GLOB } from '../core/hosts';
import type { ClusterStore } from './cluster/clusterStore';
import type { EditorText } from './cluster/storePorts';

/** What the store needs of a `vscode.TextDocument`. */
export function editorText(document: vscode.TextDocument): EditorText {
  return {
    key: document.uri.toString(),
    fileName: document.uri.scheme === 'file' ? document.uri.fsPath : document.uri.toString(),
    version: document.version,
    isDirty: document.isDirty,
    getText: () => document.getText(),
  };
}

/** Only a file on disk can be the hosts file (not the log's output channel, not an untitled editor). */
const isFile = (document: vscode.TextDocument) => document.uri.scheme === 'file';

/**
 * Feeds the store the hosts source: reloads it (debounced) when the file changes on disk (any
 * distributed_hosts.yaml in the workspace, so a new one is found, plus the loaded file itself,
 * which the setting may put outside the workspace), and tells it about open editors' text.
 */
export class HostsWatcher implements vscode.Disposable {
  private readonly workspaceWatcher: vscode.FileSystemWatcher;
  private fileWatcher: vscode.FileSystemWatcher | undefined;
  private watchedFile: string | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly unsubscribe: () => void;

  constructor(private readonly store: ClusterStore) {
    this.workspaceWatcher = this.watch(HOSTS_FILE_GLOB);
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('ringriftSync.hostsFile')) store.scheduleReload();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => store.scheduleReload()),
      vscode.workspace.onDidOpenTextDocument((d) => isFile(d) && store.editorChanged(editorText(d))),
      vscode.workspace.onDidChangeTextDocument((e) => isFile(e.document) && store.editorChanged(editorText(e.document))),
      vscode.workspace.onDidSaveTextDocument((d) => isFile(d) && store.editorSaved(editorText(d))),
      vscode.workspace.onDidCloseTextDocument((d) => isFile(d) && store.editorClosed(editorText(d))),
    );
    for (const d of vscode.workspace.textDocuments.filter(isFile)) store.editorChanged(editorText(d));
    this.unsubscribe = store.onDidChange(() => this.followLoadedFile());
  }

  private watch(pattern: vscode.GlobPattern): vscode.FileSystemWatcher {
    const watcher = vscode.workspace.createFileSystemWatcher(pattern);
    const reload = () => this.store.scheduleReload();
    this.subscriptions.push(watcher.onDidChange(reload), watcher.onDidCreate(reload), watcher.onDidDelete(reload));
    return watcher;
  }

  /** Watches exactly the file the store loaded (or failed to read). */
  private followLoadedFile(): void {
    const file = this.store.hostsFile();
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
