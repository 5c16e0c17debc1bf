import * as vscode from 'vscode';
import type { NodesModel } from './tree/nodesModel';
import { statusBarView } from './tree/summaryEntry';

/** Disabled count and alerts at a glance; a click opens the dashboard. */
export function createStatusBar(model: NodesModel): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('ringriftSync.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'RingRift Sync';
  item.command = 'ringriftSync.openDashboard';
  const paint = () => {
    const v = statusBarView(model.summary());
    item.text = v.text;
    item.tooltip = v.tooltip;
    item.backgroundColor = v.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };
  paint();
  const unsubscribe = model.onDidChange(paint);
  return { dispose: () => (unsubscribe(), item.dispose()) };
}
