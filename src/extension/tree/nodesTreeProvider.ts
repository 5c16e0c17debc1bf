import * as vscode from 'vscode';
import type { ClusterStore } from '../cluster/clusterStore';
import { COMMAND_IDS } from '../commands/commandIds';
import type { TreeEntry } from './treeEntry';

/** Thin glue: the store decides every row; this maps a `TreeEntry` to a `vscode.TreeItem`. */
export class NodesTreeProvider implements vscode.TreeDataProvider<TreeEntry>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeEntry | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly unsubscribe: () => void;

  constructor(private readonly store: ClusterStore) {
    this.unsubscribe = store.onDidChange(() => this.changed.fire(undefined));
  }

  getChildren(entry?: TreeEntry): TreeEntry[] {
    return entry ? entry.children : this.store.roots();
  }

  getTreeItem(entry: TreeEntry): vscode.TreeItem {
    const state =
      entry.children.length === 0
        ? vscode.TreeItemCollapsibleState.None
        : entry.expanded
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(entry.label, state);
    item.id = entry.id;
    item.description = entry.description;
    item.iconPath = new vscode.ThemeIcon(entry.icon.id, entry.icon.color ? new vscode.ThemeColor(entry.icon.color) : undefined);
    item.contextValue = entry.contextValue;
    if (entry.onClick === 'openLocation') item.command = { command: COMMAND_IDS.openHostsFile, title: 'Open Hosts File', arguments: [entry] };
    if (entry.onClick === 'openDashboard') item.command = { command: COMMAND_IDS.openDashboard, title: 'Open Dashboard' };
    return item;
  }

  /** Tooltips are filled in on hover: building 1,000 of them up front would slow every repaint. */
  resolveTreeItem(item: vscode.TreeItem, entry: TreeEntry): vscode.TreeItem {
    item.tooltip = new vscode.MarkdownString(entry.tooltip, true);
    return item;
  }

  dispose(): void {
    this.unsubscribe();
    this.changed.dispose();
  }
}
