// Shared by the extension-host tests (bundled into each of them by esbuild).
import * as vscode from 'vscode';
import type { RingriftSyncApi } from '../../../src/extension/api';
import type { TreeEntry } from '../../../src/extension/tree/treeEntry';

export const EXTENSION_ID = 'ringrift.ringrift-sync';

export async function activateExtension(): Promise<RingriftSyncApi> {
  const ext = vscode.extensions.getExtension<RingriftSyncApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded in this extension host`);
  return ext.activate();
}

export function workspaceFolder(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the e2e workspace fixture is not open');
  return folder.uri.fsPath;
}

/** One tree row as the user sees it. */
export interface Row {
  label: string;
  description: string;
  /** The tooltip's Markdown with escapes removed: the text a person reads. */
  tooltip: string;
  children: Row[];
}

export function rows(api: RingriftSyncApi, entries: TreeEntry[] = api.tree.getChildren()): Row[] {
  return entries.map((entry) => {
    const item = api.tree.getTreeItem(entry);
    const markdown = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : String(item.tooltip ?? '');
    const tooltip = markdown.replace(/\\(.)/g, '$1');
    return {
      label: String(item.label),
      description: String(item.description ?? ''),
      tooltip,
      children: rows(api, api.tree.getChildren(entry)),
    };
  });
}

/** Polls `check` until it returns true; fails with `what` and the last rows after `timeoutMs`. */
export async function waitForRows(api: RingriftSyncApi, what: string, check: (r: Row[]) => boolean, timeoutMs = 10_000): Promise<Row[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = rows(api);
    if (check(current)) return current;
    if (Date.now() > deadline) {
      throw new Error(`${what}: not seen within ${timeoutMs} ms; rows: ${JSON.stringify(current.map((r) => [r.label, r.description]))}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
