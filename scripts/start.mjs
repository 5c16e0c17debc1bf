// `npm start`: the demo cluster in real VS Code. Builds (npm script), installs the code-server
// toolchain when missing, starts `ringrift-sync demo` on loopback, installs this extension into a
// fresh code-server, opens the demo folder there, and prints the URL. Ctrl-C stops everything.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCodeServer, killProcessGroupNow } from '../test/e2e/harness/codeServer.mjs';
import { findToolchain } from '../test/e2e/harness/toolchain.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
const say = (s) => console.log(`[start] ${s}`);
const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : undefined;

let toolchain = findToolchain(repo);
if (!toolchain.ok) {
  say('installing the code-server toolchain (first run only, about 2-3 minutes)');
  const setup = spawnSync('bash', [path.join(repo, 'scripts/setup-e2e.sh')], { stdio: 'inherit' });
  if (setup.status !== 0) {
    console.error('[start] could not install code-server; see above. The CLI demo works without it: npm run demo');
    process.exit(1);
  }
  toolchain = findToolchain(repo);
  if (!toolchain.ok) {
    console.error(`[start] ${toolchain.message}`);
    process.exit(1);
  }
}

const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-start-'));
const demoDir = path.join(runDir, 'demo-cluster');
say(`starting the demo cluster in ${demoDir}`);
const demo = spawn(process.execPath, [path.join(repo, 'dist/cli.js'), 'demo', '--dir', demoDir], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
let codeServer;
let stopping = false;

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  say('stopping code-server and the demo cluster');
  if (codeServer) await codeServer.stop();
  try {
    process.kill(demo.pid, 'SIGINT');
  } catch {
    /* gone */
  }
  await new Promise((r) => (demo.exitCode !== null ? r() : demo.once('exit', r)));
  fs.rmSync(runDir, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
process.on('exit', () => {
  if (codeServer) killProcessGroupNow(codeServer.pid);
});

// The demo prints its escalation table, then says it stays up: that is our cue.
await new Promise((resolve, reject) => {
  let out = '';
  demo.stdout.on('data', (b) => {
    process.stdout.write(b);
    out += b.toString();
    if (out.includes('The cluster stays up')) resolve();
  });
  demo.once('exit', (code) => reject(new Error(`the demo cluster exited (${code}) before it was up`)));
}).catch((err) => {
  console.error(`[start] ${err.message}`);
  process.exit(1);
});

// The workspace: the demo folder, with settings pointing the extension at the demo's known_hosts and state.
fs.mkdirSync(path.join(demoDir, '.vscode'), { recursive: true });
fs.writeFileSync(
  path.join(demoDir, '.vscode/settings.json'),
  JSON.stringify({ 'ringriftSync.knownHostsFile': path.join(demoDir, 'known_hosts'), 'ringriftSync.stateDir': path.join(demoDir, 'state') }, null, 2),
);

// Install the extension by copying what the .vsix would hold into a fresh extensions dir.
const extDir = path.join(runDir, 'code-server/exts', `${pkg.publisher}.${pkg.name}-${pkg.version}`);
fs.mkdirSync(extDir, { recursive: true });
for (const item of ['package.json', 'README.md', 'dist', 'media', 'schemas']) {
  if (fs.existsSync(path.join(repo, item))) fs.cpSync(path.join(repo, item), path.join(extDir, item), { recursive: true });
}

try {
  codeServer = await startCodeServer({ toolchain, runDir, workspace: demoDir, log: say, testDriver: false, port });
} catch (err) {
  console.error(`[start] ${err.message}`);
  await stopAll(1);
}
say(`VS Code with ringrift-sync and the demo cluster: ${codeServer.baseUrl}/?folder=${encodeURIComponent(demoDir)}`);
say('open it in a browser on this machine (it listens on 127.0.0.1 only); Ctrl-C here stops everything');
