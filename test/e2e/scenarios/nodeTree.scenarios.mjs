// What a person sees: the RingRift Sync activity-bar icon opens the node tree of the workspace's
// distributed_hosts.yaml (test/e2e/workspace/). Each scenario continues from the previous one's screen.

/** The fixture's hosts, in file order. */
const FIXTURE_NODES = ['gpu-alpha', 'gpu-beta', 'gpu-gamma'];

/** @typedef {{ page: import('playwright-core').Page, shot: (name: string) => Promise<void> }} ScenarioContext */

/** @type {Array<{ name: string, run: (ctx: ScenarioContext) => Promise<void> }>} */
export const nodeTreeScenarios = [
  {
    name: 'the activity-bar icon opens the node tree with every fixture node',
    async run({ page, shot }) {
      const icon = page.locator('.activitybar .action-item a[aria-label^="RingRift Sync"]');
      await icon.waitFor({ timeout: 30_000 });
      await icon.click();
      for (const name of FIXTURE_NODES) await treeItem(page, name, 30_000);
      await widenSideBar(page);
      await shot('tree');
    },
  },
  {
    name: 'a node expands into its transport chain',
    async run({ page, shot }) {
      await (await treeItem(page, 'gpu-alpha', 10_000)).click();
      await page.waitForFunction(() => document.querySelector('[role=treeitem][aria-expanded="true"]') !== null, null, { timeout: 10_000 });
      // The children are the chain's transports, in escalation order, right under the node.
      const rows = page.locator('.pane-body [role=treeitem]');
      await treeItem(page, 'base64', 10_000);
      const labels = (await rows.locator('.label-name').allInnerTexts()).map((s) => s.trim());
      const at = labels.indexOf('gpu-alpha');
      const chain = labels.slice(at + 1, at + 5);
      if (chain.join(',') !== 'p2p,http,rsync,base64') throw new Error(`gpu-alpha's children are [${chain}], want [p2p,http,rsync,base64]`);
      await shot('tree-expanded');
    },
  },
  {
    name: "hovering a node shows its address, user and port as a table",
    async run({ page, shot }) {
      await (await treeItem(page, 'gpu-beta', 10_000)).hover();
      const hover = page.locator('.monaco-hover', { hasText: 'root@127.0.0.3:22' });
      try {
        await hover.waitFor({ state: 'visible', timeout: 15_000 });
      } catch {
        throw new Error("no hover with 'root@127.0.0.3:22' on gpu-beta within 15 s");
      }
      // Markdown rendered, not shown raw: the rows are a table.
      const cells = await hover.locator('table td').allInnerTexts();
      if (!cells.includes('ssh port') || !cells.includes('22')) throw new Error(`hover table cells: [${cells.join(' | ')}]`);
      await shot('tree-tooltip');
      await page.mouse.move(900, 600);
    },
  },
  {
    name: "the view title's Refresh keeps the nodes and Open Hosts File opens the file",
    async run({ page, shot }) {
      // A container with one view shows the view's title actions in the side bar's title.
      const action = (label) => page.locator(`.part.sidebar .title-actions a.action-label[aria-label^="${label}"]`);
      await action('Refresh').click({ timeout: 10_000 });
      for (const name of FIXTURE_NODES) await treeItem(page, name, 10_000);
      await action('Open Hosts File').click({ timeout: 10_000 });
      await page.locator('.tab.active', { hasText: 'distributed_hosts.yaml' }).waitFor({ timeout: 15_000 });
      await page.locator('.editor-instance .view-lines', { hasText: 'gpu-alpha' }).waitFor({ timeout: 15_000 });
      await shot('hosts-file-opened');
    },
  },
];

/** Waits for the tree row whose accessible name starts with `label`; the error names it. */
async function treeItem(page, label, timeout) {
  const row = page.getByRole('treeitem', { name: new RegExp(`^${label}\\b`) }).first();
  try {
    await row.waitFor({ timeout });
  } catch {
    const shown = await page.locator('[role=treeitem] .label-name').allInnerTexts();
    throw new Error(`tree item '${label}' not shown within ${timeout / 1000} s; rows shown: [${shown.join(', ')}]`);
  }
  return row;
}

/** Drags the side bar's edge so node descriptions (the chains) fit in the screenshots. */
async function widenSideBar(page) {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box) return;
  const x = box.x + box.width + 1;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + 220, y, { steps: 5 });
  await page.mouse.up();
  // Off the sash, so its highlight is gone before the screenshot.
  await page.mouse.move(x + 600, y + 200);
  await page.waitForTimeout(300);
}
