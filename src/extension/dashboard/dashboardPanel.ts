import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RouterEvent } from '../../core/router';
import type { ClusterStore } from '../cluster/clusterStore';
import { COMMAND_IDS } from '../commands/commandIds';
import { dashboardPage, renderDashboardBody } from './dashboardHtml';
import { buildDashboard, type DashboardModel } from './dashboardModel';

/** Commands the dashboard's buttons may run; anything else a webview posts is ignored. */
const ALLOWED_COMMANDS = new Set<string>([COMMAND_IDS.testAll, COMMAND_IDS.refresh]);
const REPAINT_MS = 250;
const EVENTS_TAIL_BYTES = 512 * 1024;

/**
 * The dashboard webview: one panel, re-rendered (postMessage) whenever the cluster store changes,
 * so a test, a sync or a CLI run elsewhere shows up live.
 */
export class DashboardPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;
  /** The model last sent to the webview (the e2e suite reads it). */
  lastModel: DashboardModel | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: ClusterStore,
  ) {
    this.unsubscribe = store.onDidChange(() => this.schedule());
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  show(): DashboardModel | undefined {
    if (this.panel) {
      this.panel.reveal();
      return this.render();
    }
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    this.panel = vscode.window.createWebviewPanel('ringriftSync.dashboard', 'RingRift Sync Dashboard', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [media],
      retainContextWhenHidden: false,
    });
    this.panel.iconPath = vscode.Uri.joinPath(media, 'ringrift.svg');
    const webview = this.panel.webview;
    const model = this.compute();
    this.lastModel = model;
    webview.html = dashboardPage({
      nonce: crypto.randomBytes(16).toString('base64'),
      cspSource: webview.cspSource,
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'dashboard.css')).toString(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'dashboard.js')).toString(),
      body: model ? renderDashboardBody(model) : '<p>No hosts file loaded.</p>',
    });
    webview.onDidReceiveMessage((msg: { type?: string; command?: string }) => {
      if (msg?.type === 'ready') this.render();
      if (msg?.type === 'command' && msg.command && ALLOWED_COMMANDS.has(msg.command)) void vscode.commands.executeCommand(msg.command);
    });
    this.panel.onDidDispose(() => {
      this.panel = undefined;
      clearTimeout(this.timer);
    });
    return model;
  }

  private schedule(): void {
    if (!this.panel || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.render();
    }, REPAINT_MS);
  }

  private render(): DashboardModel | undefined {
    const model = this.compute();
    if (!model || !this.panel) return model;
    this.lastModel = model;
    void this.panel.webview.postMessage({ type: 'render', html: renderDashboardBody(model), generatedAt: model.generatedAt });
    return model;
  }

  private compute(): DashboardModel | undefined {
    const hosts = this.store.hosts();
    if (hosts?.kind !== 'loaded') return undefined;
    return buildDashboard({
      hostsFile: hosts.file,
      nodes: hosts.hosts.nodes,
      state: this.store.router(),
      now: Date.now(),
      thresholds: this.store.service.thresholds(),
      events: recentEvents(path.join(this.store.service.stateDir(), 'events.jsonl')),
    });
  }

  dispose(): void {
    this.unsubscribe();
    clearTimeout(this.timer);
    this.panel?.dispose();
  }
}

/** The last part of events.jsonl (enough for 24 h of a busy cluster), parsed; missing file: none. */
function recentEvents(file: string): RouterEvent[] {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    const start = Math.max(0, size - EVENTS_TAIL_BYTES);
    const buf = Buffer.alloc(size - start);
    fs.readSync(fd, buf, 0, buf.length, start);
    const lines = buf.toString('utf8').split('\n');
    if (start > 0) lines.shift(); // a partial first line
    return lines.flatMap((l) => {
      try {
        return l.trim() ? [JSON.parse(l) as RouterEvent] : [];
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
