/** How the Nodes tree is arranged; changed by the view's title actions, kept per workspace. */
export type GroupBy = 'none' | 'state' | 'role';

export interface ViewOptions {
  groupBy: GroupBy;
  /** Case-insensitive substring of the node name; empty: every node. */
  filter: string;
  /** Only nodes that need a look (degraded, unreachable, disabled, changed host key). */
  onlyProblems: boolean;
}

export const DEFAULT_VIEW: ViewOptions = { groupBy: 'none', filter: '', onlyProblems: false };
