import * as vscode from 'vscode';
import {
  completionsAt,
  hostLenses,
  hostSymbol,
  hoverAt,
  quickFixesAt,
  semanticTokenSteps,
  TOKEN_MODIFIERS,
  TOKEN_TYPES,
  type CompletionEntry,
  type HostsDocument,
  type LensAction,
  type LineSpan,
  type LiveStateLookup,
} from '../../core/language';
import { EVENT_LOOP_SLICING, runInSlices } from '../../core/slicedRun';
import { WORKBENCH_COMMANDS, type CommandId } from '../commands/commandIds';
import { DIAGNOSTIC_SOURCE, fromPosition, fromRange, toRange } from './convert';
import type { HostsDocuments } from './hostsDocuments';

/** The VS Code providers: each asks the core and translates the answer; nothing more. */
const KIND: Record<CompletionEntry['kind'], vscode.CompletionItemKind> = {
  field: vscode.CompletionItemKind.Property,
  value: vscode.CompletionItemKind.EnumMember,
  host: vscode.CompletionItemKind.Reference,
  snippet: vscode.CompletionItemKind.Snippet,
  section: vscode.CompletionItemKind.Module,
};

export function completionProvider(documents: HostsDocuments): vscode.CompletionItemProvider {
  return {
    async provideCompletionItems(document, position, _token, context) {
      if (!documents.settings.switches.completion) return undefined;
      // A space opens suggestions only where a value starts (`type: `, `- `), not in indentation.
      if (context.triggerCharacter === ' ' && !/(:|-) $/.test(document.lineAt(position.line).text.slice(0, position.character))) return undefined;
      const doc = await documents.get(document);
      if (!doc) return undefined;
      return completionsAt(doc, fromPosition(position)).map((e) => {
        const item = new vscode.CompletionItem(e.label, KIND[e.kind]);
        item.detail = e.detail;
        if (e.documentation) item.documentation = new vscode.MarkdownString(e.documentation);
        item.insertText = e.isSnippet ? new vscode.SnippetString(e.insertText) : e.insertText;
        item.range = document.validateRange(toRange(e.range));
        if (e.sortText) item.sortText = e.sortText;
        if (e.kind === 'snippet') item.filterText = document.getText(item.range) || e.label;
        return item;
      });
    },
  };
}

export function hoverProvider(documents: HostsDocuments, liveState: LiveStateLookup): vscode.HoverProvider {
  return {
    async provideHover(document, position) {
      const { switches } = documents.settings;
      if (!switches.fieldHover && !switches.hostHover) return undefined;
      const doc = await documents.get(document);
      const hover = doc && hoverAt(doc, fromPosition(position), liveState);
      // With Red Hat YAML describing fields from the schema, ours keeps to hosts and transports.
      if (!hover || (hover.about === 'field' ? !switches.fieldHover : !switches.hostHover)) return undefined;
      return new vscode.Hover(new vscode.MarkdownString(hover.markdown), toRange(hover.range));
    },
  };
}

export function codeActionProvider(documents: HostsDocuments): vscode.CodeActionProvider {
  return {
    async provideCodeActions(document, range, context) {
      if (!documents.settings.switches.quickFixes) return undefined;
      const doc = await documents.get(document);
      if (!doc) return undefined;
      return quickFixesAt(doc, fromRange(range)).map((fix) => {
        const action = new vscode.CodeAction(fix.title, fix.diagnostic ? vscode.CodeActionKind.QuickFix : vscode.CodeActionKind.RefactorRewrite);
        action.edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) action.edit.replace(document.uri, document.validateRange(toRange(e.range)), e.newText);
        const d = fix.diagnostic;
        if (d) {
          const target = toRange(d.range);
          action.diagnostics = context.diagnostics.filter((x) => x.source === DIAGNOSTIC_SOURCE && x.code === d.code && x.range.isEqual(document.validateRange(target)));
        }
        action.isPreferred = fix.preferred;
        return action;
      });
    },
  };
}

export const TOKEN_LEGEND = new vscode.SemanticTokensLegend([...TOKEN_TYPES], [...TOKEN_MODIFIERS]);

export function semanticTokensProvider(documents: HostsDocuments, changed: vscode.Event<void>): vscode.DocumentSemanticTokensProvider {
  return {
    onDidChangeSemanticTokens: changed,
    async provideDocumentSemanticTokens(document, cancel) {
      const builder = new vscode.SemanticTokensBuilder(TOKEN_LEGEND);
      const doc = documents.settings.switches.semanticTokens ? await documents.get(document) : undefined;
      const tokens = doc ? await runInSlices(semanticTokenSteps(doc), EVENT_LOOP_SLICING, () => cancel.isCancellationRequested) : [];
      for (const t of tokens ?? []) {
        const modifiers = t.modifiers.reduce((bits, m) => bits | (1 << TOKEN_MODIFIERS.indexOf(m)), 0);
        builder.push(t.line - 1, t.column - 1, t.length, TOKEN_TYPES.indexOf(t.type), modifiers);
      }
      return builder.build();
    },
  };
}

export function symbolProvider(documents: HostsDocuments): vscode.DocumentSymbolProvider {
  // One build per parse (its hosts list is new after each change), shared: VS Code asks for the
  // outline more than once per version (outline, breadcrumbs, sticky scroll), and 5,000 symbols take
  // tens of ms to make. Not stopped when one asker cancels: another may be waiting for it.
  const builds = new WeakMap<HostsDocument['hosts'], Promise<vscode.DocumentSymbol[] | undefined>>();
  return {
    async provideDocumentSymbols(document) {
      const doc = documents.settings.switches.symbols ? await documents.get(document) : undefined;
      if (!doc) return undefined;
      let build = builds.get(doc.hosts);
      if (!build) builds.set(doc.hosts, (build = runInSlices(documentSymbolSteps(document, doc), EVENT_LOOP_SLICING, () => document.isClosed)));
      const symbols = await build;
      // VS Code converts and copies each answer (for 5,000 hosts, about as long as making it): in a turn of its own.
      await documents.nextTurn();
      return symbols;
    },
  };
}

/** Hosts per step of the outline's build (a step takes a millisecond or two). */
const SYMBOLS_PER_STEP = 250;

function* documentSymbolSteps(document: vscode.TextDocument, doc: HostsDocument): Generator<void, vscode.DocumentSymbol[]> {
  const out: vscode.DocumentSymbol[] = [];
  for (const host of doc.hosts) {
    const s = hostSymbol(host);
    const range = document.validateRange(toRange(s.range));
    const selection = document.validateRange(toRange(s.selectionRange));
    out.push(new vscode.DocumentSymbol(s.name, s.detail, vscode.SymbolKind.Object, range.union(selection), selection));
    if (out.length % SYMBOLS_PER_STEP === 0) yield;
  }
  return out;
}

const LENS_ICONS: Record<LensAction, string> = { test: '$(plug)', sync: '$(cloud-upload)', history: '$(history)' };

/** The one lens of a host only the unsaved editor has: Test / Sync / History would not find it in the saved file. */
export const SAVE_FIRST_LENS_TITLE = '$(save) Save the file to test this node';

/**
 * Above this many hosts, lenses only for hosts near what the editors show: VS Code copies every lens
 * it is given on the extension host's thread (15,000 for 5,000 hosts: tens of ms after each edit),
 * and a screen shows a few dozen. Scrolling asks again (index.ts).
 */
const ALL_LENSES_UP_TO_HOSTS = 1000;
/** Lines above and below the visible ones whose hosts get lenses too: a short scroll finds them there. */
const LENS_MARGIN_LINES = 300;

function visibleLines(document: vscode.TextDocument): LineSpan[] {
  const editors = vscode.window.visibleTextEditors.filter((e) => e.document === document);
  return editors.flatMap((e) => e.visibleRanges.map((r) => ({ from: r.start.line + 1 - LENS_MARGIN_LINES, to: r.end.line + 1 + LENS_MARGIN_LINES })));
}

/** A lens whose command is made when VS Code shows it (most lenses of a long file never are). */
class HostCodeLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly makeCommand: () => vscode.Command,
  ) {
    super(range);
  }
}

export function codeLensProvider(documents: HostsDocuments, commands: Record<LensAction, CommandId>, changed: vscode.Event<void>): vscode.CodeLensProvider<HostCodeLens> {
  return {
    onDidChangeCodeLenses: changed,
    async provideCodeLenses(document) {
      const doc = documents.settings.switches.codeLens ? await documents.get(document) : undefined;
      if (!doc) return undefined;
      const unsavedOnly = documents.unsavedOnlyHosts(document, doc);
      return hostLenses(doc, doc.hosts.length > ALL_LENSES_UP_TO_HOSTS ? visibleLines(document) : undefined).flatMap((l) => {
        if (!unsavedOnly.has(l.host)) {
          return [new HostCodeLens(toRange(l.range), () => ({ title: `${LENS_ICONS[l.action]} ${l.title}`, command: commands[l.action], arguments: [l.host], tooltip: `${l.title} ${l.host}` }))];
        }
        // One lens per host, in the place of the first of its three.
        if (l.action !== 'test') return [];
        const tooltip = `${l.host} is only in the unsaved editor: commands act on the saved file`;
        return [new HostCodeLens(toRange(l.range), () => ({ title: SAVE_FIRST_LENS_TITLE, command: WORKBENCH_COMMANDS.saveFile, tooltip }))];
      });
    },
    resolveCodeLens(lens) {
      lens.command = lens.makeCommand();
      return lens;
    },
  };
}
