// Editing distributed_hosts.yaml in the workbench: typing a transport type opens the suggest
// widget with the types; the file shows its transport steps coloured and Test / Sync / History
// above each host. Works on the workspace's hosts file (the live cluster's; gpu-gamma has the
// runbook's chain) and leaves it unsaved and reverted.

const TRANSPORT_TYPES = ['p2p', 'http', 'rsync', 'ssh', 'base64'];

/** @typedef {{ page: import('playwright-core').Page, shot: (name: string) => Promise<void> }} ScenarioContext */

async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

async function openHostsFile(page) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill('distributed_hosts.yaml');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'distributed_hosts.yaml' }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: 'distributed_hosts.yaml' }).waitFor({ timeout: 15_000 });
  await page.locator('.editor-instance .view-lines', { hasText: 'gpu-gamma' }).waitFor({ timeout: 15_000 });
}

/** @type {Array<{ name: string, run: (ctx: ScenarioContext) => Promise<void> }>} */
export const languageScenarios = [
  {
    name: 'typing a transport type in distributed_hosts.yaml opens the suggest widget with the transport types',
    async run({ page, shot }) {
      await openHostsFile(page);
      // Put the cursor at the end of gpu-gamma's `- type: base64` and retype the value's space.
      await page.keyboard.press('Control+F');
      await page.keyboard.type('type: base64');
      await page.keyboard.press('Escape');
      await page.keyboard.press('End');
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
      await page.keyboard.press('Control+Home');
      const lens = page.locator('.editor-instance .codelens-decoration', { hasText: 'Test' }).first();
      try {
        await lens.waitFor({ timeout: 15_000 });
      } catch {
        throw new Error('no Test lens above the first host within 15 s');
      }
      const text = await lens.innerText();
      for (const word of ['Test', 'Sync', 'History']) if (!text.includes(word)) throw new Error(`lens row reads '${text}', no ${word}`);
      // Scroll gpu-gamma's chain into view: its type words are painted with the semantic token colours.
      await page.keyboard.press('Control+F');
      await page.keyboard.type('type: base64');
      await page.keyboard.press('Escape');
      await page.waitForTimeout(800);
      await shot('language-lenses-and-transport-colours');
    },
  },
];
