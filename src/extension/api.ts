import type { ClusterStore } from './cluster/clusterStore';
import type { DashboardPanel } from './dashboard/dashboardPanel';
import type { DoctorPanel } from './doctor/doctorPanel';
import type { StallMonitor } from './stallMonitor';
import type { NodesTreeProvider } from './tree/nodesTreeProvider';
import type { Ui } from './ui/ui';

/** What `activate` returns: `vscode.extensions.getExtension('ringrift.ringrift-sync').exports`. */
export interface RingriftSyncApi {
  /** The Nodes tree's data provider (the e2e suite reads rows from it). */
  tree: NodesTreeProvider;
  /** The one cluster store: hosts file, router state, the session (`store.session()`), the tree's arrangement. */
  store: ClusterStore;
  dashboard: DashboardPanel;
  /** The doctor's report view: the report on screen, and its fix buttons (`applyFix`). */
  doctor: DoctorPanel;
  /**
   * The prompts the commands use. Replace methods to answer them without a person (the e2e suite
   * does: dialogs cannot be clicked from inside the extension host).
   */
  ui: Ui;
  /** Time spent in `activate`, first hosts-file load included. */
  activationMs: number;
  /** The extension host's longest event-loop stall; off until `start()` (the e2e suite measures with it). */
  stalls: StallMonitor;
}
