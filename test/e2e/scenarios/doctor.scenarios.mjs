// The doctor's report view: "Diagnose Node" from the dead node's context menu opens it with the
// cause, its evidence and fix command, and a button per fix; the tree's tooltip of a failing
// transport then names that cause.
import { clickMenuItem, openView, runCommand, treeItem } from './ui.mjs';

/** @type {Array<{ name: string, run: (ctx: { page: import('playwright-core').Page, shot: (name: string) => Promise<void> }) => Promise<void> }>} */
export const doctorScenarios = [
  {
    name: '"Diagnose Node" on the dead node opens the report: node_offline, its evidence, its fix and a button for it',
    async run({ page, shot }) {
      await openView(page);
      await (await treeItem(page, 'gpu-dead', 10_000)).click({ button: 'right' });
      await clickMenuItem(page, 'Diagnose Node');
      // A webview is an iframe holding the page's iframe.
      const view = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      const cause = view.locator('section[data-node="gpu-dead"] article[data-cause="node_offline"]');
      await cause.waitFor({ timeout: 20_000 });
      const transports = await cause.locator('.transports').innerText();
      if (transports !== 'p2p, rsync, base64') throw new Error(`node_offline names [${transports}], want p2p, rsync, base64`);
      const command = await cause.locator('pre code').innerText();
      if (!/ssh .* -p \d+ -i \S+ \S+@127\.0\.231\.\d+ true && ringrift-sync reenable gpu-dead/.test(command)) throw new Error(`fix command: ${command}`);
      const button = await cause.locator('button[data-fix]').innerText();
      if (button !== 'Run in Terminal…') throw new Error(`fix button '${button}', want 'Run in Terminal…' (it changes the router state: asks first)`);
      // The evidence folds open: what was tried, what answered, and how long it took.
      await cause.locator('details summary').click();
      await cause.locator('details li').first().waitFor({ timeout: 5_000 });
      await page.waitForTimeout(300);
      await shot('doctor-report');
    },
  },
  {
    name: "hovering the dead node's failing p2p shows the cause the diagnosis named",
    async run({ page, shot }) {
      await (await treeItem(page, 'gpu-dead', 10_000)).click();
      await (await treeItem(page, 'p2p', 10_000)).hover();
      const hover = page.locator('.monaco-hover', { hasText: 'node_offline' });
      try {
        await hover.waitFor({ state: 'visible', timeout: 15_000 });
      } catch {
        throw new Error("no hover naming node_offline on gpu-dead's p2p within 15 s");
      }
      await shot('doctor-tooltip');
      await page.mouse.move(900, 600);
      await (await treeItem(page, 'gpu-dead', 10_000)).click(); // collapse again
      // Leave the workbench as found: close the report view, the active editor since "Diagnose
      // Node" opened it. Its tab is clicked only when it is not: a click on it hands the focus to
      // its webview, which once took it back from the palette F1 had just opened (a fresh check:
      // the palette's input never became fillable).
      const tab = page.locator('.tab', { hasText: 'Doctor: gpu-dead' });
      if (!(await tab.evaluate((el) => el.classList.contains('active')))) await tab.click();
      await runCommand(page, 'View: Close Editor');
      await tab.waitFor({ state: 'detached', timeout: 5_000 });
    },
  },
];
