import type { TransportKind } from '../../core/hosts/nodeSpec';

/**
 * One row of the Nodes tree as plain data. Everything a row shows is decided here, without
 * `vscode`, so it is unit-testable; `nodesTreeProvider.ts` only maps it to a `vscode.TreeItem`.
 */
type TreeEntryKind = 'node' | 'transport' | 'problem' | 'summary' | 'group' | 'details' | 'field';

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
  /** Markdown. May be a getter that builds it on first read (the tree asks on hover only). */
  readonly tooltip: string;
  icon: EntryIcon;
  /**
   * For `view/item/context` menus: the kind, then space-separated flags (`node ready disabled ssh`);
   * package.json's `when` clauses match words of it (see commands/commandTable.ts).
   */
  contextValue: string;
  children: TreeEntry[];
  /** Shown expanded the first time (groups). */
  expanded?: boolean;
  /** Where Open Hosts File goes for this row. */
  location?: FileLocation;
  /** What a click does: open `location` (problems), open the dashboard (summary), or expand. */
  onClick?: 'openLocation' | 'openDashboard';
  /** The node a row belongs to (nodes, transports, details), for commands run on it. */
  node?: string;
  transport?: TransportKind;
}
