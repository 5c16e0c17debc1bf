// The dashboard webview: nodes x transports matrix, 24 h plot, alert metrics; it updates live.
import { runCommand } from './ui.mjs';

/** @type {Array<{ name: string, run: (ctx: { page: import('playwright-core').Page, shot: (name: string) => Promise<void> }) => Promise<void> }>} */
export const dashboardScenarios = [
  {
    name: 'the dashboard renders its matrix, its 24 h plot and the alert metrics',
    async run({ page, shot }) {
      await runCommand(page, 'RingRift Sync: Open Dashboard');
      // A webview is an iframe holding the page's iframe.
      const view = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      const rows = view.locator('table.matrix tr.node');
      await rows.first().waitFor({ timeout: 20_000 });
      const names = await view.locator('table.matrix tr.node th[scope=row]').evaluateAll((ths) => ths.map((th) => th.firstChild.textContent));
      if (names.join(',') !== 'gpu-alpha,gpu-beta,gpu-dead,gpu-gamma') throw new Error(`matrix rows: [${names}]`);
      const okCells = await view.locator('table.matrix tr[data-node="gpu-alpha"] td.s-ok').count();
      if (okCells !== 4) throw new Error(`gpu-alpha has ${okCells} ok cells, want 4`);
      const bars = await view.locator('svg.timeline rect.bar').count();
      if (bars < 2) throw new Error(`the timeline has ${bars} bars; the run so far had failures and a disable`);
      await view.locator('svg.timeline polyline.syncs').waitFor({ timeout: 5_000 });
      const metrics = await view.locator('li.metric').count();
      if (metrics !== 3) throw new Error(`${metrics} alert metrics shown, want 3`);
      // Live: a re-render arrives by postMessage (the script counts them).
      await view.locator('body[data-renders]').waitFor({ timeout: 10_000 });
      await page.waitForTimeout(500);
      await shot('dashboard');
      // Leave the workbench as found: the webview holds the keyboard focus while it is open.
      await page.locator('.part.sidebar .title-label').click();
      await runCommand(page, 'View: Close Editor');
      await page.locator('.tab', { hasText: 'RingRift Sync Dashboard' }).waitFor({ state: 'detached', timeout: 5_000 });
    },
  },
];
