import * as vscode from 'vscode';
import type { ClusterStore } from './cluster/clusterStore';
import { COMMAND_IDS } from './commands/commandIds';
import { statusBarView } from './tree/summaryEntry';

/** Disabled count and alerts at a glance; a click opens the dashboard. */
export function createStatusBar(store: ClusterStore): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('ringriftSync.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'RingRift Sync';
  item.command = COMMAND_IDS.openDashboard;
  const paint = () => {
    const v = statusBarView(store.summary());
    item.text = v.text;
    item.tooltip = v.tooltip;
    item.backgroundColor = v.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };
  paint();
  const unsubscribe = store.onDidChange(paint);
  return { dispose: () => (unsubscribe(), item.dispose()) };
}
