// Runs the mocha suite inside the real Node extension host. The workbench only starts an extension
// host when a browser is attached, and the host's exit code reaches us only through
// window.codeAutomationExit (the server logs "exited with code 0" even when tests fail).
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { launchBrowser, payloadQuery, workbenchUrl } from './browser.mjs';

/** The suite's runner (test/e2e/suite/index.ts) prints this line with its counts. */
const RESULT_MARK = 'RINGRIFT-E2E-RESULT ';
// Workbench chatter that says nothing about our tests.
const NOISE =
  /^\[(AgentHost|ChatModelSelection|AccountPolicyGate|reconnection-grace-time|Service Worker)|^(Creating a socket|Resolv|Updating additional builtin|Started local extension host)|open-vsx|ENOTFOUND|^Canceled|^Ignoring fetching additional builtin extensions|^Creation of workbench contribution|vsda|authentication provider 'github'|at (async )?\S+ \(http:\/\/127\.0\.0\.1/;

/**
 * @returns {Promise<{ exitCode: number | 'TIMEOUT', passes: number, failures: number, counted: boolean }>}
 */
export async function runExtensionTests({ toolchain, server, runDir, workspace, extensionPath, testsPath, timeoutMs, log, name = 'ext-tests' }) {
  const { page, close } = await launchBrowser({ executablePath: toolchain.chromium, runDir, name });
  const fullLog = fs.createWriteStream(path.join(runDir, `${name}.log`));
  const t0 = Date.now();
  let counts = null;
  try {
    let resolveExit;
    const exited = new Promise((r) => (resolveExit = r));
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
    // In smoke-driver mode every workbench log line, the extension host's console included, comes here.
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = util.format(...(args || []));
      // The workbench may still log while the page closes, after the file is ended.
      if (!fullLog.writableEnded) fullLog.write(`+${((Date.now() - t0) / 1000).toFixed(1)}s [${type}] ${line}\n`);
      if (line.startsWith(RESULT_MARK)) {
        counts = JSON.parse(line.slice(RESULT_MARK.length));
        return;
      }
      if (!NOISE.test(line)) log(line.split('\n').slice(0, type === 'error' ? 4 : 60).join('\n'));
    });
    await page.goto(workbenchUrl(server.baseUrl, workspace, payloadQuery({ extensionPath, testsPath })));
    let timer;
    const timedOut = new Promise((r) => (timer = setTimeout(() => r('TIMEOUT'), timeoutMs)));
    const exitCode = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    return {
      exitCode,
      passes: counts?.passes ?? 0,
      // No result line (crash before mocha ran, or a timeout) counts as one failure.
      failures: counts ? counts.failures : 1,
      counted: Boolean(counts),
    };
  } finally {
    fullLog.end();
    await close();
  }
}
