// Starts code-server (the real VS Code server, in the browser) on 127.0.0.1 in its own process
// group, and stops that whole group: killing only its PID would leave the file watcher running.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SETTINGS = fileURLToPath(new URL('./settings.json', import.meta.url));

/** A free TCP port on loopback (the OS picks it; the tiny race is harmless on a test machine). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `url` until it answers `status`, at most `timeoutMs`. Returns the last status or error text. */
async function waitForStatus(url, status, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (res.status === status) return { ok: true };
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err.cause?.code || err.message;
    }
    await sleep(100);
  }
  return { ok: false, last };
}

/**
 * `restricted`: workspace trust on, no startup prompt, so the folder opens in Restricted Mode.
 * `testDriver` (default on): VS Code's smoke-test driver, which test payloads need; it also skips
 * dialogs and toasts, so `npm start` (a person at the browser) turns it off.
 * @param {{ toolchain: { node24Dir: string, csBin: string }, runDir: string, workspace: string, log: (s: string) => void, restricted?: boolean, testDriver?: boolean, port?: number }} opts
 * @returns {Promise<{ baseUrl: string, pid: number, logFile: string, stop: () => Promise<void> }>}
 */
export async function startCodeServer({ toolchain, runDir, workspace, log, restricted = false, testDriver = true, port: wantedPort }) {
  const dir = path.join(runDir, restricted ? 'code-server-restricted' : 'code-server');
  for (const sub of ['udd/User', 'exts', 'tmp', 'xdg/config', 'xdg/data']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  let settings = fs.readFileSync(SETTINGS, 'utf8');
  if (restricted) {
    settings = settings.replace('"security.workspace.trust.enabled": false', '"security.workspace.trust.enabled": true, "security.workspace.trust.startupPrompt": "never", "security.workspace.trust.emptyWindow": false');
  }
  fs.writeFileSync(path.join(dir, 'udd/User/settings.json'), settings);
  const port = wantedPort ?? (await freePort());
  const logFile = path.join(dir, 'code-server.log');
  const out = fs.openSync(logFile, 'w');
  const env = {
    ...process.env,
    // code-server 4.139 needs Node 24; its launcher takes `node` from PATH.
    PATH: `${toolchain.node24Dir}/bin:${process.env.PATH}`,
    // Per run: config.yaml/state (XDG), and the extension host's IPC sockets (os.tmpdir()).
    XDG_CONFIG_HOME: path.join(dir, 'xdg/config'),
    XDG_DATA_HOME: path.join(dir, 'xdg/data'),
    TMPDIR: path.join(dir, 'tmp'),
    // No open-vsx gallery: no outbound queries.
    EXTENSIONS_GALLERY: '{}',
  };
  const args = [
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    ...(restricted ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override',
    // The default grace (3 h) keeps extension hosts alive after the browser closes.
    '--reconnection-grace-time', '5',
    '--config', path.join(dir, 'config.yaml'), '--user-data-dir', path.join(dir, 'udd'), '--extensions-dir', path.join(dir, 'exts'),
    // The built workbench honours ?payload= (extensionDevelopmentPath/extensionTestsPath) only in this mode.
    ...(testDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    workspace,
  ];
  const t0 = Date.now();
  // detached: the child calls setsid(), so its PID is the process group id we kill at the end.
  const child = spawn(toolchain.csBin, args, { env, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const pid = child.pid;
  let exited = null;
  child.once('exit', (code, signal) => (exited = { code, signal }));
  const stop = () => stopProcessGroup(pid);
  const fail = async (what) => {
    await stop();
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');
    throw new Error(`code-server on port ${port}: ${what}${exited ? ` (exited ${exited.code ?? exited.signal})` : ''}; log ${logFile}:\n${tail}`);
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const health = await waitForStatus(`${baseUrl}/healthz`, 200, 60_000);
  if (!health.ok) await fail(`/healthz did not answer 200 within 60 s (last: ${health.last})`);
  // /healthz is fine even when the workbench itself fails (e.g. code-server under the wrong Node): load the page too.
  const page = await waitForStatus(`${baseUrl}/?folder=${encodeURIComponent(workspace)}`, 200, 30_000);
  if (!page.ok) await fail(`the workbench page did not load (last: ${page.last})`);
  log(`code-server pid ${pid} on ${baseUrl}, workbench served after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { baseUrl, pid, logFile, stop };
}

const groupAlive = (pgid) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

/** SIGTERM to the whole group, SIGKILL after 3 s if anything is left. */
export async function stopProcessGroup(pgid) {
  if (!groupAlive(pgid)) return;
  try {
    process.kill(-pgid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 30 && groupAlive(pgid); i++) await sleep(100);
  if (groupAlive(pgid)) killProcessGroupNow(pgid);
}

/** Synchronous last resort, for process 'exit' handlers. */
export function killProcessGroupNow(pgid) {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}
