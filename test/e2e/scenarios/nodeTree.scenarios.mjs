// What a person sees: the RingRift Sync activity-bar icon opens the node tree of the workspace's
// distributed_hosts.yaml (the live loopback cluster of test/e2e/harness/liveCluster.ts); "Test all"
// and "Sync file" disable the dead node; its context menu re-enables it. Each scenario continues
// from the previous one's screen.
import { clickMenuItem, openView, treeItem, waitForDescription, widenSideBar } from './ui.mjs';

/** The fixture's hosts, in file order. */
const FIXTURE_NODES = ['gpu-alpha', 'gpu-beta', 'gpu-dead', 'gpu-gamma'];

/** @typedef {{ page: import('playwright-core').Page, shot: (name: string) => Promise<void> }} ScenarioContext */

/** @type {Array<{ name: string, run: (ctx: ScenarioContext) => Promise<void> }>} */
export const nodeTreeScenarios = [
  {
    name: 'the activity-bar icon opens the node tree with the summary row and every fixture node',
    async run({ page, shot }) {
      await openView(page);
      for (const name of FIXTURE_NODES) await treeItem(page, name, 30_000);
      await treeItem(page, '4 nodes, 0 disabled, no alerts', 10_000);
      await waitForDescription(page, 'gpu-gamma', /^maintenance · not synced$/, 5_000);
      await widenSideBar(page);
      await shot('tree');
    },
  },
  {
    name: 'a node expands into its transport chain and its details',
    async run({ page, shot }) {
      await (await treeItem(page, 'gpu-alpha', 10_000)).click();
      await treeItem(page, 'details', 10_000);
      const labels = (await page.locator('.pane-body [role=treeitem] .label-name').allInnerTexts()).map((s) => s.trim());
      const at = labels.indexOf('gpu-alpha');
      const children = labels.slice(at + 1, at + 6);
      if (children.join(',') !== 'p2p,http,rsync,base64,details') throw new Error(`gpu-alpha's children are [${children}], want [p2p,http,rsync,base64,details]`);
      await shot('tree-expanded');
      await (await treeItem(page, 'gpu-alpha', 10_000)).click(); // collapse again
    },
  },
  {
    name: 'hovering a node shows its address, user, port and state as a table',
    async run({ page, shot }) {
      await (await treeItem(page, 'gpu-beta', 10_000)).hover();
      const hover = page.locator('.monaco-hover', { hasText: 'ssh port' });
      try {
        await hover.waitFor({ state: 'visible', timeout: 15_000 });
      } catch {
        throw new Error("no hover with 'ssh port' on gpu-beta within 15 s");
      }
      const cells = await hover.locator('table td').allInnerTexts();
      if (!cells.includes('state') || !cells.includes('p2p disabled')) throw new Error(`hover table cells: [${cells.join(' | ')}]`);
      await shot('tree-tooltip');
      await page.mouse.move(900, 600);
    },
  },
  {
    name: '"Test All Nodes" shows each working transport with latency, and the dead node unreachable',
    async run({ page, shot }) {
      await page.locator('.part.sidebar .title-actions a.action-label[aria-label^="Test All Nodes"]').click({ timeout: 10_000 });
      await waitForDescription(page, 'gpu-dead', /^unreachable: /, 30_000);
      await waitForDescription(page, 'gpu-alpha', /^p2p · \d+ ms$/, 30_000);
      await waitForDescription(page, 'gpu-beta', /^rsync · \d+ ms$/, 30_000);
      await page.waitForTimeout(300);
      await shot('tree-tested');
    },
  },
  {
    name: '"Sync to Nodes…" from the Explorer: the remote path offered from the workspace, all ready nodes ticked; the dead node becomes disabled',
    async run({ page, shot }) {
      await page.locator('.activitybar .action-item a[aria-label^="Explorer"]').click();
      const file = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'payload.bin' });
      await file.click({ button: 'right', timeout: 10_000 });
      await clickMenuItem(page, 'Sync to Nodes…');
      const quick = page.locator('.quick-input-widget');
      const box = quick.locator('input.input');
      await box.waitFor({ timeout: 10_000 });
      const offered = await box.inputValue();
      if (offered !== 'payload.bin') throw new Error(`the remote path offered is '${offered}', not the file's place in the workspace (payload.bin)`);
      await page.keyboard.press('Enter');
      await quick.locator('.monaco-list-row', { hasText: 'gpu-dead' }).waitFor({ timeout: 10_000 });
      await page.waitForTimeout(400); // past the fade-in
      await shot('sync-pick-nodes');
      await page.keyboard.press('Enter');
      await openView(page);
      await waitForDescription(page, 'gpu-dead', /^disabled: all transports exhausted$/, 30_000);
      await treeItem(page, '4 nodes, 1 disabled, 1 alert', 10_000);
      await page.waitForTimeout(300);
      await shot('tree-dead-disabled');
    },
  },
  {
    name: "the dead node's context menu offers \"Re-enable Node\", which re-enables it",
    async run({ page, shot }) {
      await (await treeItem(page, 'gpu-dead', 10_000)).click({ button: 'right' });
      await page.getByRole('menuitem', { name: 'Re-enable Node' }).waitFor({ timeout: 10_000 });
      await page.waitForTimeout(400); // past the fade-in
      await shot('context-menu-reenable');
      await clickMenuItem(page, 'Re-enable Node');
      await waitForDescription(page, 'gpu-dead', /^(?!disabled)/, 15_000);
      await treeItem(page, '4 nodes, 0 disabled, no alerts', 10_000);
      // A healthy node's menu has no "Re-enable Node": the when clause reads its contextValue.
      await (await treeItem(page, 'gpu-alpha', 10_000)).click({ button: 'right' });
      await page.getByRole('menuitem', { name: 'Test Connectivity' }).waitFor({ timeout: 10_000 });
      if (await page.getByRole('menuitem', { name: 'Re-enable Node' }).count()) throw new Error('gpu-alpha (enabled) offers "Re-enable Node"');
      await page.keyboard.press('Escape');
      await shot('tree-reenabled');
    },
  },
  {
    name: "the view title's Refresh keeps the nodes and Open Hosts File opens the file",
    async run({ page, shot }) {
      const action = (label) => page.locator(`.part.sidebar .title-actions a.action-label[aria-label^="${label}"]`);
      await action('Refresh').click({ timeout: 10_000 });
      for (const name of FIXTURE_NODES) await treeItem(page, name, 10_000);
      // Open Hosts File sits in the view's "..." menu.
      await page.locator('.part.sidebar .title-actions a.action-label[aria-label^="More Actions"], .part.sidebar .title-actions a.action-label[aria-label^="Views and More Actions"]').first().click({ timeout: 10_000 });
      await clickMenuItem(page, 'Open Hosts File');
      await page.locator('.tab.active', { hasText: 'distributed_hosts.yaml' }).waitFor({ timeout: 15_000 });
      await page.locator('.editor-instance .view-lines', { hasText: 'gpu-alpha' }).waitFor({ timeout: 15_000 });
      await shot('hosts-file-opened');
    },
  },
];
