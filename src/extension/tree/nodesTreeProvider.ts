import * as vscode from 'vscode';
import type { NodesModel } from './nodesModel';
import type { TreeEntry } from './treeEntry';

export const OPEN_HOSTS_FILE_COMMAND = 'ringriftSync.openHostsFile';

/** Thin glue: the model decides every row; this maps a `TreeEntry` to a `vscode.TreeItem`. */
export class NodesTreeProvider implements vscode.TreeDataProvider<TreeEntry>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeEntry | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly unsubscribe: () => void;

  constructor(readonly model: NodesModel) {
    this.unsubscribe = model.onDidChange(() => this.changed.fire(undefined));
  }

  getChildren(entry?: TreeEntry): TreeEntry[] {
    return entry ? entry.children : this.model.roots();
  }

  getTreeItem(entry: TreeEntry): vscode.TreeItem {
    const collapsed = entry.children.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(entry.label, collapsed);
    item.id = entry.id;
    item.description = entry.description;
    item.tooltip = new vscode.MarkdownString(entry.tooltip);
    item.iconPath = new vscode.ThemeIcon(entry.icon.id, entry.icon.color ? new vscode.ThemeColor(entry.icon.color) : undefined);
    item.contextValue = entry.contextValue;
    if (entry.opensOnClick) item.command = { command: OPEN_HOSTS_FILE_COMMAND, title: 'Open Hosts File', arguments: [entry] };
    return item;
  }

  dispose(): void {
    this.unsubscribe();
    this.changed.dispose();
  }
}
