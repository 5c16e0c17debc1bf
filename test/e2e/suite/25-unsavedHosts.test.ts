import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RingriftSyncApi } from '../../../src/extension/api';
import { SAVE_FIRST_LENS_TITLE } from '../../../src/extension/language/providers';
import { activateExtension, waitForRows, workspaceFolder } from './helpers';

/**
 * The hosts file open with unsaved edits: the tree keeps showing the saved file (what commands act
 * on), marks a node the editor changes, and the lens of a host only the editor has says to save
 * first; once saved, the tree shows the new host and its lenses run commands again.
 */
const NEW_HOST = 'gpu-unsaved';
const NODE_LABELS = 'gpu-alpha,gpu-beta,gpu-dead,gpu-gamma';

async function lensTitles(doc: vscode.TextDocument, host: string): Promise<string[]> {
  const line = doc.getText().split('\n').findIndex((l) => l.trim() === `${host}:`);
  assert.ok(line >= 0, `${host} is not in the editor`);
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100);
  return lenses.filter((l) => l.range.start.line === line).map((l) => l.command?.title ?? '');
}

async function waitFor<T>(what: string, get: () => Promise<T> | T, check: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (check(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${timeoutMs} ms; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the hosts file with unsaved edits (one cluster store)', () => {
  let api: RingriftSyncApi;
  let hostsFile: string;
  let original: string;
  let doc: vscode.TextDocument;

  before(async () => {
    api = await activateExtension();
    hostsFile = path.join(workspaceFolder(), 'distributed_hosts.yaml');
    original = fs.readFileSync(hostsFile, 'utf8');
    doc = await vscode.workspace.openTextDocument(hostsFile);
    await vscode.window.showTextDocument(doc);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    fs.writeFileSync(hostsFile, original);
    await waitForRows(api, 'the fixture restored', (r) => r.slice(1).map((x) => x.label).join() === NODE_LABELS);
  });

  it('keeps the saved file in the tree, marks a changed node, and asks to save before testing a new one', async () => {
    // A new host before the first one (the file has other sections after hosts:), and gpu-alpha's role changed.
    const alphaLine = doc.lineAt(doc.positionAt(doc.getText().indexOf('gpu-alpha:')).line);
    const indent = alphaLine.text.slice(0, alphaLine.firstNonWhitespaceCharacterIndex);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, alphaLine.range.start, `${indent}${NEW_HOST}:\n${indent}  ssh_host: 127.0.0.1\n`);
    assert.ok(await vscode.workspace.applyEdit(edit));
    const role = doc.getText().indexOf('role:', doc.getText().indexOf('gpu-alpha:'));
    const roleLine = doc.lineAt(doc.positionAt(role).line);
    const change = new vscode.WorkspaceEdit();
    change.replace(doc.uri, roleLine.range, `${roleLine.text.slice(0, roleLine.firstNonWhitespaceCharacterIndex)}role: edited_role`);
    assert.ok(await vscode.workspace.applyEdit(change));
    assert.ok(doc.isDirty);

    const shown = await waitForRows(api, 'gpu-alpha marked', (r) => /unsaved changes/.test(r.find((x) => x.label === 'gpu-alpha')?.description ?? ''));
    assert.deepEqual(shown.slice(1).map((r) => r.label), NODE_LABELS.split(','), `${NEW_HOST} is not in the saved file`);
    assert.match(shown.find((r) => r.label === 'gpu-alpha')!.tooltip, /unsaved/);
    // gpu-beta has a bandwidth override in auto_sync: still the same host.
    assert.deepEqual(shown.filter((r) => /unsaved/.test(r.description)).map((r) => r.label), ['gpu-alpha'], 'only the edited node is marked');
    assert.match(api.store.message() ?? '', new RegExp(`Unsaved in the editor: ${NEW_HOST}\\. Save the hosts file`));
    assert.deepEqual(await waitFor('the save-first lens', () => lensTitles(doc, NEW_HOST), (t) => t.length === 1), [SAVE_FIRST_LENS_TITLE]);
    assert.equal((await lensTitles(doc, 'gpu-alpha')).length, 3, 'saved hosts keep Test / Sync / History');
  });

  it('after saving, the tree shows the new node and its lenses run commands', async () => {
    assert.ok(await doc.save());
    const shown = await waitForRows(api, `${NEW_HOST} in the tree`, (r) => r.some((x) => x.label === NEW_HOST));
    assert.ok(shown.every((r) => !/unsaved/.test(r.description)), 'no marks once saved');
    assert.equal(api.store.message(), undefined);
    const titles = await waitFor('Test / Sync / History', () => lensTitles(doc, NEW_HOST), (t) => t.length === 3);
    assert.ok(titles.every((t) => t !== SAVE_FIRST_LENS_TITLE));
  });
});
