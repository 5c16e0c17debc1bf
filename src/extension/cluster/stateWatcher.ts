import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NodesModel } from '../tree/nodesModel';
import type { ClusterService } from './clusterService';
import { EventTail, formatEvent } from './eventTail';

/**
 * Shared state: a CLI run (or another window) writes the state dir; this watcher re-reads the
 * router state and logs the new events, so the tree, dashboard and log show what the CLI did.
 * Follows the state dir when the setting changes.
 */
export class StateWatcher implements vscode.Disposable {
  private watcher: vscode.FileSystemWatcher | undefined;
  private dir: string | undefined;
  private tail: EventTail | undefined;

  constructor(
    private readonly model: NodesModel,
    private readonly service: ClusterService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.follow();
  }

  /** (Re)starts watching the state dir in force. */
  follow(): void {
    const dir = this.service.stateDir();
    if (dir === this.dir) return;
    this.watcher?.dispose();
    this.dir = dir;
    this.tail = new EventTail(path.join(dir, 'events.jsonl'));
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), '*'));
    const changed = () => this.changed();
    this.watcher.onDidChange(changed);
    this.watcher.onDidCreate(changed);
    this.watcher.onDidDelete(changed);
  }

  /** Something in the state dir changed (or we just wrote it): re-read state, log new events. */
  changed(): void {
    this.model.scheduleStateRefresh();
    this.logEvents();
  }

  logEvents(): void {
    for (const e of this.tail?.read() ?? []) {
      const line = `event ${formatEvent(e)}`;
      if (e.type === 'NODE_DISABLED' || e.type === 'TRANSPORT_DEGRADED' || e.type === 'SYNC_STALLED') this.log.warn(line);
      else this.log.info(line);
    }
  }

  dispose(): void {
    this.watcher?.dispose();
  }
}
