import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, EXTENSION_ID, workspaceFolder } from './helpers';

/**
 * Editing help for distributed_hosts.yaml in the real extension host, through the same commands
 * the editor uses (vscode.execute*Provider) and the real diagnostics collection. Works on its own
 * copy of test/fixtures/language/transport-chain.yaml in a subfolder of the workspace.
 */
const FIXTURE = 'test/fixtures/language/transport-chain.yaml';

/** 0-based position of `needle` in the document, `plus` characters in (default: its end). */
function positionOf(doc: vscode.TextDocument, needle: string, plus = needle.length): vscode.Position {
  const at = doc.getText().indexOf(needle);
  assert.ok(at !== -1, `'${needle}' is not in ${doc.uri.fsPath}`);
  return doc.positionAt(at + plus);
}

async function replaceText(doc: vscode.TextDocument, from: string, to: string): Promise<void> {
  const start = positionOf(doc, from, 0);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(start, start.translate(0, from.length)), to);
  assert.ok(await vscode.workspace.applyEdit(edit), `edit '${from}' -> '${to}' refused`);
}

/** Polls our diagnostics of `uri` until `check` holds; fails with what was there after `timeoutMs`. */
async function waitForDiagnostics(uri: vscode.Uri, what: string, check: (ds: vscode.Diagnostic[]) => boolean, timeoutMs = 10_000): Promise<vscode.Diagnostic[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ours = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'ringrift-sync');
    if (check(ours)) return ours;
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${timeoutMs} ms; diagnostics: ${JSON.stringify(ours.map((d) => [d.code, d.message]))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const hoverText = (hovers: vscode.Hover[]) =>
  hovers.flatMap((h) => h.contents.map((c) => (c instanceof vscode.MarkdownString ? c.value : typeof c === 'string' ? c : c.value))).join('\n');

describe('editing distributed_hosts.yaml (language features)', () => {
  let doc: vscode.TextDocument;
  let dir: string;
  let fixture: string;

  before(async () => {
    await activateExtension();
    const repo = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
    dir = path.join(workspaceFolder(), 'language-e2e');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'distributed_hosts.yaml');
    fixture = fs.readFileSync(path.join(repo, FIXTURE), 'utf8');
    fs.writeFileSync(file, fixture);
    doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'yaml');
  });

  beforeEach(async () => {
    // Each test starts from the fixture, its diagnostics (none) published.
    if (doc.getText() !== fixture) {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), fixture);
      assert.ok(await vscode.workspace.applyEdit(edit));
    }
    await waitForDiagnostics(doc.uri, 'the fixture without diagnostics', (ds) => ds.length === 0);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists base64 among the transport types at `type: b|`', async () => {
    await replaceText(doc, '      - type: base64', '      - type: b');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, positionOf(doc, '- type: b'));
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const t of ['p2p', 'http', 'rsync', 'ssh', 'base64']) assert.ok(labels.includes(t), `${t} missing from [${labels.join(', ')}]`);
    const base64 = list.items.find((i) => i.label === 'base64')!;
    assert.match((base64.documentation as vscode.MarkdownString).value, /base64 chunks through an SSH session/);
  });

  it('shows the unknown-type error at the misspelt word after an edit, and its quick fix removes it', async () => {
    await replaceText(doc, 'type: base64', 'type: bsae64');
    const start = positionOf(doc, 'bsae64', 0);
    const [error] = await waitForDiagnostics(doc.uri, "the unknown_transport error for 'bsae64'", (ds) => ds.length === 1 && ds[0].message.includes("'bsae64'"));
    assert.equal(error.code, 'unknown_transport');
    assert.equal(error.severity, vscode.DiagnosticSeverity.Error);
    assert.match(error.message, /^host 'gpu-alpha': transport type 'bsae64' is unknown \(did you mean 'base64'\?\)/);
    assert.deepEqual([error.range.start.line, error.range.start.character, error.range.end.line, error.range.end.character], [start.line, start.character, start.line, start.character + 6]);

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, error.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title === "Change 'bsae64' to 'base64'");
    assert.ok(fix?.edit, `no did-you-mean fix among [${actions.map((a) => a.title).join(', ')}]`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.ok(doc.getText().includes('      - type: base64\n'));
    await waitForDiagnostics(doc.uri, 'no diagnostics after the fix', (ds) => ds.length === 0);
  });

  it('describes a field and a host on hover', async () => {
    const field = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, positionOf(doc, 'last_resort', 3));
    assert.match(hoverText(field), /\*\*last_resort\*\* \(boolean\)\n\nThis step is tried only when every other one failed; it must have the highest priority\.\n\nDefault: `false`/);
    const host = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, positionOf(doc, '  gpu-beta:', 4));
    assert.match(hoverText(host), /\*\*gpu-beta\*\* \(host\)\n\nChain: rsync → base64 \(default\)/);
  });

  it('outlines one symbol per host and puts Test / Sync / History above each', async () => {
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri);
    const ours = symbols.filter((s) => s.name.startsWith('gpu-'));
    assert.deepEqual(ours.map((s) => [s.name, s.detail]), [['gpu-alpha', 'p2p > rsync > base64 · ready'], ['gpu-beta', 'rsync > base64 · maintenance']]);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 10);
    const titles = lenses.map((l) => `${l.range.start.line}:${l.command?.title}:${l.command?.command}:${l.command?.arguments?.[0]}`);
    assert.deepEqual(titles.slice(0, 3), ['10:$(plug) Test:ringriftSync.testNode:gpu-alpha', '10:$(cloud-upload) Sync:ringriftSync.syncFile:gpu-alpha', '10:$(history) History:ringriftSync.showHistory:gpu-alpha']);
  });

  it('gives each transport type its own semantic token', async () => {
    const legend = await vscode.commands.executeCommand<vscode.SemanticTokensLegend>('vscode.provideDocumentSemanticTokensLegend', doc.uri);
    const tokens = await vscode.commands.executeCommand<vscode.SemanticTokens>('vscode.provideDocumentSemanticTokens', doc.uri);
    const words: string[] = [];
    let line = 0;
    let char = 0;
    for (let i = 0; i < tokens.data.length; i += 5) {
      line += tokens.data[i];
      char = tokens.data[i] === 0 ? char + tokens.data[i + 1] : tokens.data[i + 1];
      words.push(`${doc.getText(new vscode.Range(line, char, line, char + tokens.data[i + 2]))}=${legend.tokenTypes[tokens.data[i + 3]]}`);
    }
    assert.deepEqual(words, ['p2p=transportP2p', 'ssh=transportRsync', 'fallback=chainFlag', 'base64=transportBase64', 'last_resort=chainFlag']);
  });
});
