// Starts test/e2e/harness/liveCluster.ts (under tsx) in its own process group and waits for READY.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** @returns {Promise<{ pid: number, info: any }>} */
export async function startLiveCluster({ repo, runDir, log }) {
  const logFile = path.join(runDir, 'cluster.log');
  const out = fs.openSync(logFile, 'w');
  const t0 = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'test/e2e/harness/liveCluster.ts'), runDir], {
    cwd: repo,
    detached: true,
    stdio: ['ignore', 'pipe', out],
  });
  fs.closeSync(out);
  const ready = await new Promise((resolve) => {
    let text = '';
    const timer = setTimeout(() => resolve(false), 60_000);
    child.stdout.on('data', (b) => {
      text += b;
      if (text.includes('READY')) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (!ready) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
    throw new Error(`the loopback cluster did not start: ${fs.readFileSync(logFile, 'utf8').slice(-2000)}`);
  }
  child.stdout.resume();
  const info = JSON.parse(fs.readFileSync(path.join(runDir, 'cluster.json'), 'utf8'));
  log(`loopback cluster pid ${child.pid}: ${Object.keys(info.nodes).join(', ')} up after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { pid: child.pid, info };
}

/**
 * A workspace for one part of the run: the template folder, the cluster's hosts file, a known_hosts
 * copy (tests change it), its own state dir, and settings pointing at them.
 */
export function writeWorkspace({ repo, runDir, name, info, extraSettings = {} }) {
  const dir = path.join(runDir, name);
  fs.cpSync(path.join(repo, 'test/e2e/workspace'), dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'distributed_hosts.yaml'), info.hostsYaml);
  const knownHosts = path.join(runDir, `${name}-known_hosts`);
  fs.copyFileSync(info.knownHostsFile, knownHosts);
  fs.mkdirSync(path.join(dir, '.vscode'), { recursive: true });
  const settings = {
    'ringriftSync.stateDir': path.join(runDir, `${name}-state`),
    'ringriftSync.knownHostsFile': knownHosts,
    // No background checks: each test decides when to connect.
    'ringriftSync.healthCheckIntervalSeconds': 0,
    // Generous: on a loaded 2-core box an sshd handshake can take seconds. Dead nodes are refused at once.
    'ringriftSync.probeTimeoutSeconds': 15,
    'ringriftSync.connectTimeoutSeconds': 10,
    'ringriftSync.agentRestartCommand': `echo restarted > '${info.nodes['gpu-alpha'].root}/restart-marker.txt'`,
    ...extraSettings,
  };
  fs.writeFileSync(path.join(dir, '.vscode/settings.json'), JSON.stringify(settings, null, 2));
  // A file to sync from the Explorer.
  fs.writeFileSync(path.join(dir, 'payload.bin'), Buffer.alloc(256 * 1024, 'ringrift '));
  return dir;
}
