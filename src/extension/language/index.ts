import * as vscode from 'vscode';
import type { RouterState } from '../../core/router/routerState';
import { liveStateFromRouter, type LensAction, type LiveStateLookup } from '../../core/language';
import { DiagnosticsPublisher } from './diagnosticsPublisher';
import { HostsDocuments } from './hostsDocuments';
import { LiveStateDecorations } from './liveStateDecorations';
import { codeActionProvider, codeLensProvider, completionProvider, hoverProvider, semanticTokensProvider, symbolProvider, TOKEN_LEGEND } from './providers';

/**
 * Editing help for distributed_hosts.yaml (and the files `ringriftSync.language.files` names):
 * registers the providers over the core's language logic (src/core/language).
 */
export interface LanguageDeps {
  /** Where the nodes' live state comes from (the extension's nodes model); none: nothing is shown. */
  liveState?: { router(): RouterState; onDidChange(listener: () => void): () => unknown };
  /** Commands behind the Test / Sync / History lenses; each is called with the host's name. */
  lensCommands?: Partial<Record<LensAction, string>>;
}

export interface LanguageFeatures {
  documents: HostsDocuments;
}

const LENS_COMMANDS: Record<LensAction, string> = { test: 'ringriftSync.testNode', sync: 'ringriftSync.syncFile', history: 'ringriftSync.showHistory' };

export function registerLanguageFeatures(context: vscode.ExtensionContext, deps: LanguageDeps = {}): LanguageFeatures {
  const documents = new HostsDocuments();
  const liveState: LiveStateLookup = (name) => {
    const ns = deps.liveState?.router().nodes[name];
    return ns ? liveStateFromRouter(ns) : undefined;
  };
  const publisher = new DiagnosticsPublisher(documents);
  const decorations = new LiveStateDecorations(documents, liveState);
  const changed = new vscode.EventEmitter<void>();
  const selector: vscode.DocumentSelector = { language: 'yaml' };
  const refresh = () => {
    documents.reloadSettings();
    publisher.refreshAll();
    decorations.refresh();
    changed.fire();
  };
  const stopLive = deps.liveState?.onDidChange(() => decorations.refresh());

  context.subscriptions.push(
    publisher,
    decorations,
    changed,
    { dispose: () => void stopLive?.() },
    vscode.languages.registerCompletionItemProvider(selector, completionProvider(documents), ' '),
    vscode.languages.registerHoverProvider(selector, hoverProvider(documents, liveState)),
    vscode.languages.registerCodeActionsProvider(selector, codeActionProvider(documents), {
      providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite],
    }),
    vscode.languages.registerDocumentSemanticTokensProvider(selector, semanticTokensProvider(documents, changed.event), TOKEN_LEGEND),
    vscode.languages.registerDocumentSymbolProvider(selector, symbolProvider(documents), { label: 'RingRift hosts' }),
    vscode.languages.registerCodeLensProvider(selector, codeLensProvider(documents, { ...LENS_COMMANDS, ...deps.lensCommands }, changed.event)),
    vscode.workspace.onDidOpenTextDocument((d) => publisher.publish(d)),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0 && documents.isHostsFile(e.document)) publisher.schedule(e.document);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      publisher.forget(d);
      documents.forget(d);
    }),
    publisher.onDidPublish((d) => decorations.refresh(d)),
    vscode.window.onDidChangeVisibleTextEditors(() => decorations.refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('ringriftSync.language')) refresh();
    }),
    vscode.extensions.onDidChange(refresh),
  );
  for (const d of vscode.workspace.textDocuments) publisher.publish(d);
  return { documents };
}
