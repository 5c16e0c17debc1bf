// Runs Playwright scenarios against one workbench that has our extension loaded from source.
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, payloadQuery, workbenchUrl } from './browser.mjs';

/**
 * Scenarios run in order on one page; after the first failure the rest are reported as failed too
 * (they build on its screen), with a screenshot of what was on screen.
 * @returns {Promise<{ passes: number, failures: number }>}
 */
export async function runScenarios({ toolchain, server, runDir, workspace, extensionPath, scenarios, shotsDir, log }) {
  fs.mkdirSync(shotsDir, { recursive: true });
  const { page, close } = await launchBrowser({ executablePath: toolchain.chromium, runDir, name: 'scenarios' });
  page.on('pageerror', (e) => log(`[pageerror] ${String(e).slice(0, 300)}`));
  const shot = async (name) => {
    const file = path.join(shotsDir, `${name}.png`);
    await page.screenshot({ path: file });
    log(`screenshot ${path.relative(process.cwd(), file)}`);
  };
  let passes = 0;
  let failures = 0;
  let broken = null;
  try {
    const t0 = Date.now();
    await page.goto(workbenchUrl(server.baseUrl, workspace, payloadQuery({ extensionPath })), { waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // The explorer lists the file once the remote connection and the file service are up.
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'distributed_hosts.yaml' }).waitFor({ timeout: 60_000 });
    log(`workbench interactive after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (err) {
    broken = `the workbench did not load: ${firstLine(err)}`;
    await shot('FAIL-workbench').catch(() => {});
  }
  for (const scenario of scenarios) {
    if (broken) {
      failures++;
      log(`✗ ${scenario.name} (not run: ${broken})`);
      continue;
    }
    const t0 = Date.now();
    try {
      await scenario.run({ page, shot });
      passes++;
      log(`✓ ${scenario.name} (${Date.now() - t0} ms)`);
    } catch (err) {
      failures++;
      broken = `'${scenario.name}' failed`;
      log(`✗ ${scenario.name}: ${firstLine(err)}`);
      await shot(`FAIL-${scenario.name.replace(/\W+/g, '_').slice(0, 60)}`).catch(() => {});
    }
  }
  await close();
  return { passes, failures };
}

const firstLine = (err) => String(err?.message ?? err).split('\n')[0];
