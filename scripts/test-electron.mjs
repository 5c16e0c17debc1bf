#!/usr/bin/env node
// The extension-host suite (test/e2e/suite/) in desktop VS Code through @vscode/test-electron, for
// machines that have VS Code. CI uses code-server instead (npm run test:e2e): desktop VS Code
// cannot be downloaded there, and this script never tries unless asked to.
//   usage: node scripts/test-electron.mjs [--download]
//     VS Code: $VSCODE_EXECUTABLE_PATH, else a usual install location, else (--download only)
//     @vscode/test-electron fetches the latest stable build into .vscode-test/ (needs internet).
//   Linux without a display: run it under `xvfb-run -a`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';
import { buildSuite } from '../test/e2e/harness/buildSuite.mjs';
import { startLiveCluster, writeWorkspace } from '../test/e2e/harness/liveCluster.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DOWNLOAD_IDLE_TIMEOUT_MS = 15_000;
const say = (s) => console.log(`[test-electron] ${s}`);

/** Usual desktop VS Code locations; the first that exists wins. */
function installedVSCode() {
  const fromEnv = process.env.VSCODE_EXECUTABLE_PATH;
  if (fromEnv) return fs.existsSync(fromEnv) ? fromEnv : { missing: fromEnv };
  const local = process.env.LOCALAPPDATA ?? '';
  const candidates = {
    linux: ['/usr/share/code/code', '/usr/share/code-insiders/code-insiders', '/snap/code/current/usr/share/code/code', '/opt/visual-studio-code/code'],
    darwin: ['/Applications/Visual Studio Code.app/Contents/MacOS/Electron', '/Applications/Visual Studio Code.app/Contents/MacOS/Code'],
    win32: [path.join(local, 'Programs/Microsoft VS Code/Code.exe'), 'C:/Program Files/Microsoft VS Code/Code.exe'],
  }[process.platform] ?? [];
  return candidates.find((p) => fs.existsSync(p));
}

function fail(message) {
  console.error(`[test-electron] ${message}`);
  process.exit(1);
}

const download = process.argv.includes('--download');
const found = installedVSCode();
if (typeof found === 'object') fail(`VSCODE_EXECUTABLE_PATH=${found.missing} does not exist: point it at the VS Code executable.`);
if (!found && !download) {
  fail(
    'no desktop VS Code found (set VSCODE_EXECUTABLE_PATH=/path/to/VS Code executable, or pass --download to let ' +
      '@vscode/test-electron fetch one; that needs internet). Without desktop VS Code, run the same suite in ' +
      "code-server: 'npm run test:e2e'.",
  );
}
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  say('no DISPLAY: desktop VS Code needs one; if it fails to start, run this under `xvfb-run -a`');
}

const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: REPO, stdio: 'inherit' });
if (build.status !== 0) fail(`'npm run build' exited ${build.status}`);
const testsPath = await buildSuite(REPO);

const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-electron-'));
// The suite runs against the same live loopback cluster as npm run test:e2e (needs sshd and rsync).
const cluster = await startLiveCluster({ repo: REPO, runDir, log: say });
const stopCluster = () => {
  try {
    process.kill(-cluster.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
};
process.on('exit', stopCluster);
const workspace = writeWorkspace({ repo: REPO, runDir, name: 'ws-tests', info: cluster.info });
fs.mkdirSync(path.join(runDir, 'udd/User'), { recursive: true });
fs.copyFileSync(path.join(REPO, 'test/e2e/harness/settings.json'), path.join(runDir, 'udd/User/settings.json'));

let exitCode = 1;
try {
  say(found ? `VS Code at ${found}` : 'downloading VS Code (stable) with @vscode/test-electron');
  exitCode = await runTests({
    ...(found ? { vscodeExecutablePath: found } : { version: 'stable', timeout: DOWNLOAD_IDLE_TIMEOUT_MS }),
    extensionDevelopmentPath: REPO,
    extensionTestsPath: testsPath,
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', `--user-data-dir=${path.join(runDir, 'udd')}`],
  });
} catch (err) {
  const what = String(err?.message ?? err).split('\n')[0];
  const hint = found ? '' : ' (could not download VS Code: no internet here? use npm run test:e2e)';
  console.error(`[test-electron] FAILED: ${what}${hint}`);
  exitCode = typeof err?.code === 'number' ? err.code || 1 : 1;
} finally {
  stopCluster();
  fs.rmSync(runDir, { recursive: true, force: true });
}
say(exitCode === 0 ? 'extension-host suite passed' : `extension-host suite failed (exit ${exitCode})`);
process.exit(exitCode);
