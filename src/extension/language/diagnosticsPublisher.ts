import * as vscode from 'vscode';
import { visibleDiagnostics } from '../../core/language';
import { toDiagnostic } from './convert';
import type { HostsDocuments } from './hostsDocuments';

/**
 * Diagnostics as you type: each change (re)starts a short timer per document; when it fires, the
 * document's model is brought up to date (only changed blocks are parsed; a big file's first parse
 * in slices) and its diagnostics, minus those Red Hat YAML already shows, are published.
 */
export class DiagnosticsPublisher implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('ringrift-sync');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly listeners = new Set<(document: vscode.TextDocument) => void>();

  constructor(
    private readonly documents: HostsDocuments,
    private readonly delayMs = 250,
  ) {}

  /** Called after each publish (the inline live-state text follows the same beat). */
  onDidPublish(listener: (document: vscode.TextDocument) => void): vscode.Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  schedule(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (!document.isClosed) void this.publish(document);
      }, this.delayMs),
    );
  }

  async publish(document: vscode.TextDocument): Promise<void> {
    const doc = await this.documents.get(document);
    if (document.isClosed) return;
    if (!doc) {
      this.collection.delete(document.uri);
      return;
    }
    const shown = visibleDiagnostics(doc.diagnostics, this.documents.settings.switches);
    this.collection.set(document.uri, shown.map((d) => toDiagnostic(d, document)));
    for (const l of this.listeners) l(document);
  }

  forget(document: vscode.TextDocument): void {
    clearTimeout(this.timers.get(document.uri.toString()));
    this.timers.delete(document.uri.toString());
    this.collection.delete(document.uri);
  }

  refreshAll(): void {
    this.collection.clear();
    for (const document of vscode.workspace.textDocuments) void this.publish(document);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.collection.dispose();
  }
}
