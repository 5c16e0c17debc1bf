import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { groupCauses, renderReportMarkdown, type DoctorFix, type DoctorReport } from '../../core/doctor';
import { COMMAND_IDS } from '../commands/commandIds';
import type { ReportView } from '../commands/doctorCommands';
import type { Ui } from '../ui/ui';
import { doctorPage, renderDoctorBody, type ReportMeta } from './doctorHtml';
import { applyFix, type FixOutcome, type FixRunnerDeps } from './fixRunner';

/** A message from the page: what was pressed. Anything else is ignored. */
type PageMessage = { type: 'fix' | 'copy'; node: string; index: number } | { type: 'rerun' | 'markdown' | 'ready' };

function isPageMessage(m: unknown): m is PageMessage {
  if (!m || typeof m !== 'object') return false;
  const { type, node, index } = m as Record<string, unknown>;
  if (type === 'fix' || type === 'copy') return typeof node === 'string' && Number.isInteger(index);
  return type === 'rerun' || type === 'markdown' || type === 'ready';
}

/**
 * The doctor's report view: one webview panel (strict CSP, one nonce'd script) showing the last
 * report, a button per fix. The page only says which button was pressed; the fix itself is looked
 * up here in the report, and applyFix asks before anything that changes a node or this machine.
 */
export class DoctorPanel implements vscode.Disposable, ReportView {
  private panel: vscode.WebviewPanel | undefined;
  private rerun: { node: string } | 'all' = 'all';
  /** The report on screen (the e2e suite reads it). */
  report: DoctorReport | undefined;
  meta: ReportMeta | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly ui: () => Ui,
    private readonly fixes: FixRunnerDeps,
  ) {}

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  show(report: DoctorReport, meta: ReportMeta, rerun: { node: string } | 'all'): void {
    this.report = report;
    this.meta = meta;
    this.rerun = rerun;
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const title = rerun === 'all' ? 'Doctor: all nodes' : `Doctor: ${rerun.node}`;
    if (this.panel) {
      this.panel.title = title;
      this.panel.reveal(undefined, true);
    } else {
      this.panel = vscode.window.createWebviewPanel('ringriftSync.doctor', title, { viewColumn: vscode.ViewColumn.Active, preserveFocus: true }, {
        enableScripts: true,
        localResourceRoots: [media],
      });
      this.panel.iconPath = vscode.Uri.joinPath(media, 'ringrift.svg');
      this.panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m));
      this.panel.onDidDispose(() => (this.panel = undefined));
    }
    const webview = this.panel.webview;
    webview.html = doctorPage({
      nonce: crypto.randomBytes(16).toString('base64'),
      cspSource: webview.cspSource,
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'doctor.css')).toString(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'doctor.js')).toString(),
      body: renderDoctorBody(report, meta),
    });
  }

  /** The fix of the node's `index`-th cause as the page lists them (causes sharing a fix are one). */
  fixAt(node: string, index: number): DoctorFix | undefined {
    const n = this.report?.nodes.find((r) => r.node === node);
    return n && groupCauses(n.causes)[index]?.cause.fix;
  }

  /** What the fix button does (the page's button, and the e2e suite). */
  async applyFix(node: string, index: number): Promise<FixOutcome | undefined> {
    const fix = this.fixAt(node, index);
    return fix && applyFix(this.fixes, node, fix);
  }

  private async onMessage(m: unknown): Promise<void> {
    if (!isPageMessage(m)) return;
    switch (m.type) {
      case 'fix':
        await this.applyFix(m.node, m.index);
        return;
      case 'copy': {
        const fix = this.fixAt(m.node, m.index);
        if (!fix) return;
        await this.ui().copy(fix.command);
        void this.ui().info(`Copied the fix for ${m.node}: ${fix.command}`);
        return;
      }
      case 'rerun':
        await vscode.commands.executeCommand(this.rerun === 'all' ? COMMAND_IDS.diagnoseAll : COMMAND_IDS.diagnoseNode, ...(this.rerun === 'all' ? [] : [this.rerun.node]));
        return;
      case 'markdown':
        if (this.report) await this.ui().showMarkdown('RingRift Sync doctor', renderReportMarkdown(this.report));
        return;
      case 'ready':
        return;
    }
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
