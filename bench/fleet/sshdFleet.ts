import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort, waitForPort } from '../../src/demo/ports';
import { startTracked, type Tracked } from '../lib/processes';
import { sshdCommand, sshdConfigText } from '../../src/demo/openSshd';

/**
 * One real OpenSSH sshd per node, each on its own loopback address. They share one host key (a
 * known_hosts line per address still names each) to keep start-up cheap for 150 nodes.
 */

const SSHD = '/usr/sbin/sshd';

interface SshdNode {
  name: string;
  address: string;
  port: number;
  proc: Tracked;
}

export interface SshdFleet {
  hostKeyPub: string;
  nodes: SshdNode[];
  stop(): Promise<void>;
}


/** Starts them `batch` at a time (sshd start-up is CPU-bound; 2 cores). */
export async function startSshdFleet(dir: string, specs: Array<{ name: string; address: string }>, clientPub: string, batch = 16): Promise<SshdFleet> {
  if (!fs.existsSync(SSHD)) throw new Error(`the fleet bench needs OpenSSH sshd (${SSHD}); apt-get install openssh-server`);
  if (process.getuid?.() === 0) fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  fs.mkdirSync(dir, { recursive: true });
  const hostKey = path.join(dir, 'host_key');
  if (!fs.existsSync(hostKey)) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', hostKey]);
  const authorized = path.join(dir, 'authorized_keys');
  fs.writeFileSync(authorized, clientPub, { mode: 0o600 });
  const nodes: SshdNode[] = [];
  const fleet: SshdFleet = {
    hostKeyPub: fs.readFileSync(hostKey + '.pub', 'utf8').trim(),
    nodes,
    stop: async () => void (await Promise.all(nodes.map((n) => n.proc.stop()))),
  };
  try {
    for (let i = 0; i < specs.length; i += batch) {
      await Promise.all(specs.slice(i, i + batch).map(async (s) => {
        const nodeDir = path.join(dir, s.name);
        fs.mkdirSync(nodeDir, { recursive: true });
        const port = await freePort(s.address);
        const config = path.join(nodeDir, 'sshd_config');
        fs.writeFileSync(config, sshdConfigText({ address: s.address, port, dir: nodeDir, hostKeyFile: hostKey, authorizedKeysFile: authorized }));
        const proc = startTracked(...sshdCommand(config));
        nodes.push({ name: s.name, address: s.address, port, proc });
        await waitForPort(s.address, port, 10_000, `sshd of ${s.name}`, true).catch((err: Error) => {
          throw new Error(`${err.message}: ${proc.output().trim() || 'no output'}`);
        });
      }));
    }
  } catch (err) {
    await fleet.stop();
    throw err;
  }
  return fleet;
}
