import * as vscode from 'vscode';
import { liveStateFromRouter, type LensAction, type LiveStateLookup } from '../../core/language';
import type { ClusterStore } from '../cluster/clusterStore';
import { COMMAND_IDS, type CommandId } from '../commands/commandIds';
import { DiagnosticsPublisher } from './diagnosticsPublisher';
import { HostsDocuments } from './hostsDocuments';
import { LiveStateDecorations } from './liveStateDecorations';
import { codeActionProvider, codeLensProvider, completionProvider, hoverProvider, semanticTokensProvider, symbolProvider, TOKEN_LEGEND } from './providers';

/**
 * Editing help for distributed_hosts.yaml (and the files `ringriftSync.language.files` names):
 * registers the providers over the core's language logic (src/core/language). The parse of each
 * document and the nodes' live state come from the cluster store.
 */

/** Scrolling stopped this long: lenses are asked for again. */
const SCROLL_SETTLE_MS = 200;

/** Commands behind the Test / Sync / History lenses; each is called with the host's name. */
const LENS_COMMANDS: Record<LensAction, CommandId> = { test: COMMAND_IDS.testNode, sync: COMMAND_IDS.syncFile, history: COMMAND_IDS.showHistory };

export function registerLanguageFeatures(context: vscode.ExtensionContext, store: ClusterStore): void {
  const documents = new HostsDocuments(store);
  const liveState: LiveStateLookup = (name) => {
    const ns = store.router().nodes[name];
    return ns ? liveStateFromRouter(ns) : undefined;
  };
  const publisher = new DiagnosticsPublisher(documents);
  const decorations = new LiveStateDecorations(documents, liveState);
  const changed = new vscode.EventEmitter<void>();
  const lenses = lensRefresh(changed, documents);
  const selector: vscode.DocumentSelector = { language: 'yaml' };
  const refresh = () => {
    documents.reloadSettings();
    publisher.refreshAll();
    void decorations.refresh();
    changed.fire();
  };
  // A (re)loaded saved file changes which hosts a command can act on: their lenses follow.
  let savedHosts = store.hosts();
  const stopLive = store.onDidChange(() => {
    void decorations.refresh();
    if (store.hosts() !== savedHosts) (savedHosts = store.hosts()), changed.fire();
  });

  context.subscriptions.push(
    publisher,
    decorations,
    changed,
    ...lenses.disposables,
    { dispose: () => void stopLive() },
    vscode.languages.registerCompletionItemProvider(selector, completionProvider(documents), ' '),
    vscode.languages.registerHoverProvider(selector, hoverProvider(documents, liveState)),
    vscode.languages.registerCodeActionsProvider(selector, codeActionProvider(documents), {
      providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite],
    }),
    vscode.languages.registerDocumentSemanticTokensProvider(selector, semanticTokensProvider(documents, changed.event), TOKEN_LEGEND),
    vscode.languages.registerDocumentSymbolProvider(selector, symbolProvider(documents), { label: 'RingRift hosts' }),
    vscode.languages.registerCodeLensProvider(selector, codeLensProvider(documents, LENS_COMMANDS, lenses.event)),
    vscode.workspace.onDidOpenTextDocument((d) => void publisher.publish(d)),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0 && documents.isHostsFile(e.document)) publisher.schedule(e.document);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => publisher.forget(d)),
    publisher.onDidPublish((d) => void decorations.refresh(d)),
    vscode.window.onDidChangeVisibleTextEditors(() => void decorations.refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('ringriftSync.language')) refresh();
    }),
    vscode.extensions.onDidChange(refresh),
  );
  for (const d of vscode.workspace.textDocuments) void publisher.publish(d);
}

/** When lenses are asked for again: the document changed, or scrolling stopped (a long file has them only near what is shown: providers.ts). */
function lensRefresh(changed: vscode.EventEmitter<void>, documents: HostsDocuments): { event: vscode.Event<void>; disposables: vscode.Disposable[] } {
  const emitter = new vscode.EventEmitter<void>();
  let scrolled: NodeJS.Timeout | undefined;
  const afterScroll = (document: vscode.TextDocument) => {
    if (!documents.isHostsFile(document)) return;
    clearTimeout(scrolled);
    scrolled = setTimeout(() => emitter.fire(), SCROLL_SETTLE_MS);
  };
  return {
    event: emitter.event,
    disposables: [
      emitter,
      changed.event(() => emitter.fire()),
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => afterScroll(e.textEditor.document)),
      { dispose: () => clearTimeout(scrolled) },
    ],
  };
}
