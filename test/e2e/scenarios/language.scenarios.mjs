// Editing distributed_hosts.yaml in the workbench: typing a transport type opens the suggest
// widget with the types; the file shows its transport steps coloured and Test / Sync / History
// above each host. Works on the workspace's hosts file (the live cluster's; gpu-gamma has the
// runbook's chain), read from disk to find the lines, and leaves it reverted.
import fs from 'node:fs';
import path from 'node:path';
import { openView, runCommand } from './ui.mjs';

const TRANSPORT_TYPES = ['p2p', 'http', 'rsync', 'ssh', 'base64'];

/** @typedef {{ page: import('playwright-core').Page, shot: (name: string) => Promise<void> }} ScenarioContext */

/** 1-based line of the first line of the workspace's hosts file that contains `needle`, and that line's text. */
function lineOf(page, needle) {
  const folder = new URL(page.url()).searchParams.get('folder');
  const lines = fs.readFileSync(path.join(folder, 'distributed_hosts.yaml'), 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(needle));
  if (index === -1) throw new Error(`no '${needle}' in the workspace's distributed_hosts.yaml`);
  return { line: index + 1, text: lines[index] };
}

/** Puts the cursor at line:column with Go to Line (the editor has the focus afterwards). */
async function goTo(page, line, column) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}

async function openHostsFile(page) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill('distributed_hosts.yaml');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'distributed_hosts.yaml' }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: 'distributed_hosts.yaml' }).waitFor({ timeout: 15_000 });
  // The editor, not the quick-open box or a webview, gets the keys from here on; start at the top.
  const lines = page.locator('.editor-instance .view-lines').first();
  await lines.waitFor({ timeout: 15_000 });
  await lines.click();
  await page.keyboard.press('Control+Home');
  await page.locator('.editor-instance .view-lines', { hasText: 'hosts:' }).waitFor({ timeout: 15_000 });
}

/** @type {Array<{ name: string, run: (ctx: ScenarioContext) => Promise<void> }>} */
export const languageScenarios = [
  {
    name: 'typing a transport type in distributed_hosts.yaml opens the suggest widget with the transport types',
    async run({ page, shot }) {
      await openHostsFile(page);
      // The cursor at the end of gpu-gamma's `- type: base64`; delete the value and retype its space.
      const { line, text } = lineOf(page, '- type: base64');
      await goTo(page, line, text.length + 1);
      for (let i = 0; i < ' base64'.length; i++) await page.keyboard.press('Backspace');
      await page.keyboard.type(' ');
      const widget = page.locator('.editor-widget.suggest-widget.visible');
      try {
        await widget.waitFor({ timeout: 15_000 });
      } catch {
        throw new Error('typing a space after `type:` opened no suggest widget within 15 s');
      }
      const rows = widget.locator('.monaco-list-row .label-name');
      await widget.locator('.monaco-list-row', { hasText: 'base64' }).waitFor({ timeout: 10_000 });
      const shown = (await rows.allInnerTexts()).map((s) => s.trim());
      const missing = TRANSPORT_TYPES.filter((t) => !shown.includes(t));
      if (missing.length > 0) throw new Error(`the suggest widget shows [${shown.join(', ')}]; missing ${missing.join(', ')}`);
      // The focused entry's documentation says what the transport needs.
      await page.waitForTimeout(400);
      await shot('language-suggest-transport-types');
      await page.keyboard.press('Escape');
      await runCommand(page, 'File: Revert File');
      await page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: 10_000 });
    },
  },
  {
    name: 'the hosts file shows Test / Sync / History above each host and its transport steps coloured',
    async run({ page, shot }) {
      await openHostsFile(page);
      // Any lens on screen: VS Code keeps the lenses of lines scrolled out of view in the page, hidden,
      // and which comes first in the page varies from run to run.
      const lens = page.locator('.codelens-decoration:visible', { hasText: 'History' }).first();
      try {
        await lens.waitFor({ timeout: 15_000 });
      } catch {
        const shown = await page.locator('.codelens-decoration').evaluateAll((els) => els.map((e) => e.outerHTML.slice(0, 200)));
        throw new Error(`no Test / Sync / History lens shown within 15 s; lens elements: ${JSON.stringify(shown.slice(0, 3))}`);
      }
      const text = await lens.innerText();
      for (const word of ['Test', 'Sync', 'History']) if (!text.includes(word)) throw new Error(`lens row reads '${text}', no ${word}`);
      // gpu-gamma's chain in view: its type words are painted with the semantic token colours.
      const { line } = lineOf(page, '- type: base64');
      await goTo(page, line + 2, 1);
      await page.waitForTimeout(800);
      await shot('language-lenses-and-transport-colours');
    },
  },
  {
    name: 'a host typed but not saved gets a "save first" lens, and the tree says it shows the saved file',
    async run({ page, shot }) {
      await openView(page);
      await openHostsFile(page);
      // A one-line host typed right before `gpu-alpha:` (after its indentation), as one piece of text
      // (no bracket closing); the editor indents gpu-alpha's line after the line break as it was.
      const { line, text } = lineOf(page, 'gpu-alpha:');
      await goTo(page, line, text.indexOf('gpu-alpha:') + 1);
      await page.keyboard.insertText('gpu-unsaved: {ssh_host: 127.0.0.1}\n');
      const lens = page.locator('.codelens-decoration', { hasText: 'Save the file to test this node' }).first();
      try {
        await lens.waitFor({ timeout: 15_000 });
      } catch {
        const shown = await page.locator('.codelens-decoration').allInnerTexts();
        throw new Error(`no 'Save the file to test this node' lens within 15 s; lenses: ${JSON.stringify(shown.slice(0, 6))}`);
      }
      const message = page.locator('.part.sidebar', { hasText: 'Unsaved in the editor: gpu-unsaved' });
      try {
        await message.waitFor({ timeout: 10_000 });
      } catch {
        throw new Error("the Nodes view does not say 'Unsaved in the editor: gpu-unsaved' within 10 s");
      }
      if ((await page.getByRole('treeitem', { name: /^gpu-unsaved\b/ }).count()) > 0) throw new Error('the tree shows gpu-unsaved before the file is saved');
      const marked = await page.locator('.pane-body [role=treeitem] .label-description', { hasText: 'unsaved' }).allInnerTexts();
      if (marked.length > 0) throw new Error(`adding a host marks saved nodes as changed: ${JSON.stringify(marked)}`);
      await page.waitForTimeout(400);
      await shot('language-unsaved-host-save-first');
      await runCommand(page, 'File: Revert File');
      await page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: 10_000 });
    },
  },
];
