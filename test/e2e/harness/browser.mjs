// Headless Debian Chromium driven by the repo's playwright-core, with no traffic beyond loopback.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
  // No DNS except loopback: stops Chromium's own calls home (accounts, autofill, update.googleapis.com).
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1', '--no-pings', '--disable-domain-reliability', '--disable-breakpad',
  '--disable-features=AutofillServerCommunication,OptimizationHints,MediaRouter,Translate,CertificateTransparencyComponentUpdater',
];

/**
 * A fresh profile per launch. Playwright refuses --user-data-dir in args; a persistent context on a
 * new folder is the same thing.
 * @returns {Promise<{ context: import('playwright-core').BrowserContext, page: import('playwright-core').Page, close: () => Promise<void> }>}
 */
export async function launchBrowser({ executablePath, runDir, name }) {
  const profile = path.join(runDir, `chromium-${name}`);
  fs.mkdirSync(profile, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ARGS,
    timeout: 60_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page, close: () => context.close().catch(() => {}) };
}

/** `&payload=` for the smoke-test-driver workbench: load our extension from source (and run tests). */
export function payloadQuery({ extensionPath, testsPath }) {
  // `remote` is literally code-server's remote authority.
  const payload = [['extensionDevelopmentPath', `vscode-remote://remote${extensionPath}`]];
  if (testsPath) payload.push(['extensionTestsPath', `vscode-remote://remote${testsPath}`]);
  return `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export function workbenchUrl(baseUrl, workspace, query) {
  return `${baseUrl}/?folder=${encodeURIComponent(workspace)}${query}`;
}
