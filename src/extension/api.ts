import type { NodesTreeProvider } from './tree/nodesTreeProvider';

/** What `activate` returns: `vscode.extensions.getExtension('ringrift.ringrift-sync').exports`. */
export interface RingriftSyncApi {
  /** The Nodes tree's data provider (the e2e suite reads rows from it). */
  tree: NodesTreeProvider;
  /** Time spent in `activate`, first hosts-file load included. */
  activationMs: number;
}
