import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { knownHostsLine } from '../../src/demo/openSshd';
import { assertLoopback, freePorts } from '../../src/demo/ports';
import { procCpuMs, startTracked, type Tracked } from '../lib/processes';
import type { LoopNode } from './runbookLoop';
import { startSshdFleet, type SshdFleet } from './sshdFleet';

/**
 * A fleet of loopback nodes for `test --all`: 50 nodes per /24 on 127.77.K.(10+i). One node in
 * eight is dead (nothing listens: refused), one in eight silent (every port accepts and never
 * answers), spread through the list; the rest are healthy (OpenSSH sshd + our agent).
 */

export type NodeKind = 'healthy' | 'dead' | 'silent';

export interface FleetNode extends LoopNode {
  kind: NodeKind;
}

export interface Fleet {
  dir: string;
  nodes: FleetNode[];
  hostsFile: string;
  knownHostsFile: string;
  clientKey: string;
  user: string;
  /** CPU ms used so far by the nodes' side: every sshd (with its sessions) and the agents' process. */
  nodeCpuMs(): number;
  stop(): Promise<void>;
}

const PER_SUBNET = 50;
const kindOf = (i: number): NodeKind => (i % 8 === 3 ? 'dead' : i % 8 === 7 ? 'silent' : 'healthy');

export async function startFleet(total: number): Promise<Fleet> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-bench-fleet-'));
  const user = os.userInfo().username;
  const clientKey = path.join(dir, 'client_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ringrift-bench', '-f', clientKey]);
  const nodes: FleetNode[] = [];
  for (let i = 0; i < total; i++) {
    const address = `127.77.${Math.floor(i / PER_SUBNET)}.${10 + (i % PER_SUBNET)}`;
    assertLoopback(address);
    const name = `fleet-${String(i).padStart(3, '0')}`;
    const base = path.join(dir, 'roots', name);
    fs.mkdirSync(base, { recursive: true });
    nodes.push({ name, address, base, kind: kindOf(i), p2pPort: 0, sshPort: 0 });
  }
  let sshd: SshdFleet | undefined;
  let servers: Tracked | undefined;
  const stop = async () => {
    await Promise.all([sshd?.stop(), servers?.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const healthy = nodes.filter((n) => n.kind === 'healthy');
    sshd = await startSshdFleet(path.join(dir, 'sshd'), healthy, fs.readFileSync(clientKey + '.pub', 'utf8'));
    for (const s of sshd.nodes) nodes.find((n) => n.name === s.name)!.sshPort = s.port;

    const spec = {
      agents: healthy.map((n) => ({ name: n.name, address: n.address, root: n.base })),
      silent: nodes.filter((n) => n.kind === 'silent').map((n) => ({ address: n.address, ports: 2 })),
    };
    const specFile = path.join(dir, 'servers.json');
    fs.writeFileSync(specFile, JSON.stringify(spec));
    servers = startTracked(process.execPath, ['--import', 'tsx', path.join(__dirname, 'nodeServers.ts'), specFile]);
    const ready = await new Promise<{ agents: Record<string, number>; silent: Record<string, number[]> }>((resolve, reject) => {
      let buf = '';
      servers!.child.stdout!.on('data', (b: Buffer) => {
        buf += b.toString();
        const nl = buf.indexOf('\n');
        if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)));
      });
      void servers!.exited.then(() => reject(new Error(`node servers exited: ${servers!.output().trim()}`)));
    });
    for (const n of nodes) {
      if (n.kind === 'healthy') n.p2pPort = ready.agents[n.name];
      else if (n.kind === 'silent') [n.p2pPort, n.sshPort] = ready.silent[n.address];
      else [n.p2pPort, n.sshPort] = await freePorts(n.address, 2);
    }
  } catch (err) {
    await stop();
    throw err;
  }

  const knownHostsFile = path.join(dir, 'known_hosts');
  fs.writeFileSync(knownHostsFile, nodes.filter((n) => n.kind === 'healthy').map((n) => knownHostsLine(n.address, n.sshPort, sshd!.hostKeyPub)).join('\n') + '\n');
  const hostsFile = path.join(dir, 'distributed_hosts.yaml');
  const lines = [`# ${total} loopback nodes for bench/fleet-test.ts`, 'hosts:'];
  for (const n of nodes) {
    lines.push(`  ${n.name}:`, `    ssh_host: ${n.address}`, `    ssh_port: ${n.sshPort}`, `    ssh_user: ${user}`, `    ssh_key: ${clientKey}`,
      `    ringrift_path: ${n.base}`, `    p2p_port: ${n.p2pPort}`, '    status: ready');
  }
  fs.writeFileSync(hostsFile, lines.join('\n') + '\n');
  const nodeCpuMs = () => sshd!.nodes.reduce((sum, n) => sum + procCpuMs(n.proc.child.pid), 0) + procCpuMs(servers!.child.pid);
  return { dir, nodes, hostsFile, knownHostsFile, clientKey, user, nodeCpuMs, stop };
}
