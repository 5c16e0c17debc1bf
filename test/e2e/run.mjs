#!/usr/bin/env node
// The extension in real VS Code: code-server on 127.0.0.1 + headless Chromium + playwright-core.
//   1. the mocha suite test/e2e/suite/ runs inside the real Node extension host;
//   2. Playwright scenarios (test/e2e/scenarios/) drive the workbench, screenshots in test-results/e2e/.
// Everything it starts runs in process groups that it stops, on success, failure or timeout.
// The closing line is `N passed, N failed` (mocha tests + scenarios). Needs scripts/setup-e2e.sh first.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSuite } from './harness/buildSuite.mjs';
import { killProcessGroupNow, startCodeServer } from './harness/codeServer.mjs';
import { runExtensionTests } from './harness/extensionTests.mjs';
import { runScenarios } from './harness/scenarioRunner.mjs';
import { findToolchain } from './harness/toolchain.mjs';
import { nodeTreeScenarios } from './scenarios/nodeTree.scenarios.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// RINGRIFT_E2E_TIMEOUT_S shortens it (to check that a hung run is stopped, everything killed).
const OVERALL_TIMEOUT_MS = Number(process.env.RINGRIFT_E2E_TIMEOUT_S || 360) * 1000;
const EXT_TESTS_TIMEOUT_MS = 150_000;
const SHOTS_DIR = path.join(REPO, 'test-results/e2e');

const t0 = Date.now();
const log = (s) => console.log(`[e2e +${((Date.now() - t0) / 1000).toFixed(1)}s] ${s}`);
const relay = (s) => console.log(s.replace(/^/gm, '  │ '));
const groups = new Set();
let step = 'start';
let passed = 0;
let failed = 0;

// Last resort if we die in an unexpected way: no code-server may outlive the run.
process.on('exit', () => groups.forEach(killProcessGroupNow));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => finish(`interrupted by ${sig} during '${step}'`));

const overall = setTimeout(() => finish(`timed out after ${OVERALL_TIMEOUT_MS / 1000} s during '${step}'`), OVERALL_TIMEOUT_MS);

function finish(problem) {
  groups.forEach(killProcessGroupNow);
  if (problem) {
    console.log(`e2e: FAILED: ${problem}`);
    if (failed === 0) failed = 1;
  }
  console.log(`e2e: ${((Date.now() - t0) / 1000).toFixed(1)} s wall`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(problem || failed > 0 ? 1 : 0);
}

/** Copies the workspace fixture: every run (and each part of it) edits its own copy. */
function freshWorkspace(runDir, name) {
  const dir = path.join(runDir, name);
  fs.cpSync(path.join(REPO, 'test/e2e/workspace'), dir, { recursive: true });
  return dir;
}

async function main() {
  step = 'toolchain check (scripts/setup-e2e.sh --check)';
  const toolchain = findToolchain(REPO);
  if (!toolchain.ok) return finish(`${step}:\n${toolchain.message}`);

  step = 'npm run build';
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: REPO, stdio: 'inherit' });
  if (build.status !== 0) return finish(`${step} exited ${build.status}`);

  step = 'bundle the extension-host suite (esbuild -> out/e2e)';
  const testsPath = await buildSuite(REPO);

  // Screenshots of an earlier run must not pass for this one's.
  fs.rmSync(SHOTS_DIR, { recursive: true, force: true });
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-e2e-'));
  log(`run dir ${runDir}`);
  step = 'start code-server';
  const server = await startCodeServer({ toolchain, runDir, workspace: freshWorkspace(runDir, 'ws-tests'), log });
  groups.add(server.pid);

  step = 'mocha suite in the extension host';
  log(`${step}:`);
  const tests = await runExtensionTests({
    toolchain, server, runDir, workspace: path.join(runDir, 'ws-tests'), extensionPath: REPO, testsPath,
    timeoutMs: EXT_TESTS_TIMEOUT_MS, log: relay,
  });
  passed += tests.passes;
  failed += tests.failures;
  const testsOk = tests.exitCode === 0 && tests.failures === 0 && tests.counted;
  log(`extension host: exit ${tests.exitCode}, ${tests.passes} passing, ${tests.failures} failing${testsOk ? '' : ' -> FAILED'}`);
  if (!tests.counted) log(`the suite printed no result line: see ${path.join(runDir, 'ext-tests.log')} and ${server.logFile}`);

  step = 'Playwright scenarios';
  log(`${step}:`);
  const scenarios = await runScenarios({
    toolchain, server, runDir, workspace: freshWorkspace(runDir, 'ws-ui'), extensionPath: REPO,
    scenarios: nodeTreeScenarios, shotsDir: SHOTS_DIR, log: relay,
  });
  passed += scenarios.passes;
  failed += scenarios.failures;

  step = 'stop code-server';
  await server.stop();
  groups.delete(server.pid);
  clearTimeout(overall);
  const problems = [!testsOk && 'extension-host suite', scenarios.failures > 0 && 'Playwright scenarios'].filter(Boolean);
  if (problems.length === 0 && !process.env.RINGRIFT_E2E_KEEP) fs.rmSync(runDir, { recursive: true, force: true });
  else log(`logs kept in ${runDir}`);
  finish(problems.length ? `${problems.join(' and ')} failed` : undefined);
}

main().catch((err) => finish(`${step}: ${err?.message ?? err}`));
