/**
 * One row of the Nodes tree as plain data. Everything a row shows is decided here, without
 * `vscode`, so it is unit-testable; `nodesTreeProvider.ts` only maps it to a `vscode.TreeItem`.
 */
export type TreeEntryKind = 'node' | 'transport' | 'problem';

export interface EntryIcon {
  /** Codicon id (`vm-running`, `error`, ...). */
  id: string;
  /** Theme colour id (`charts.green`, `errorForeground`, ...). */
  color?: string;
}

/** A place in the hosts file (1-based, as editors show it). */
export interface FileLocation {
  file: string;
  line: number;
  column: number;
}

export interface TreeEntry {
  /** Stable across reloads, so the tree keeps what the user expanded. */
  id: string;
  kind: TreeEntryKind;
  label: string;
  description?: string;
  /** Markdown. */
  tooltip: string;
  icon: EntryIcon;
  /** For `view/item/context` menus: `node`, `transport`, `problem`. */
  contextValue: TreeEntryKind;
  children: TreeEntry[];
  /** Where `ringriftSync.openHostsFile` goes for this row. */
  location?: FileLocation;
  /** Clicking the row opens `location` (problems); other rows expand instead. */
  opensOnClick: boolean;
}
