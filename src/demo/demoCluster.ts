import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startAgent, type RunningAgent } from '../agent/server';
import { startEmbeddedSshd } from './embeddedSshd';
import { writeKeyPair } from './keys';
import { knownHostsLine, opensshAvailable, startOpenSshd } from './openSshd';
import { assertLoopback, freePort } from './ports';

/**
 * The built-in demo cluster: six loopback nodes, one per path of the runbook. Everything listens on
 * 127.0.77.x; nothing leaves the machine.
 */
export type DemoOutcome = 'p2p' | 'http' | 'rsync' | 'base64' | 'disabled' | 'not synced';

interface DemoNodePlan {
  name: string;
  /** What the escalating sync should end with. */
  expect: DemoOutcome;
  story: string;
  agent: boolean;
  ssh: boolean;
  refuseRsync?: boolean;
  natBlocked?: boolean;
  status?: string;
}

export const DEMO_PLAN: DemoNodePlan[] = [
  { name: 'gpu-healthy', expect: 'p2p', story: 'agent up: p2p works', agent: true, ssh: true },
  { name: 'gpu-agent-down', expect: 'rsync', story: 'agent down: rsync over SSH takes over', agent: false, ssh: true },
  { name: 'gpu-base64-only', expect: 'base64', story: 'no agent, rsync missing on the node: base64 over SSH', agent: false, ssh: true, refuseRsync: true },
  { name: 'gpu-nat-blocked', expect: 'http', story: 'nat_blocked: p2p skipped, HTTP on the public address', agent: true, ssh: true, natBlocked: true },
  { name: 'gpu-dead', expect: 'disabled', story: 'nothing answers: every transport fails, node disabled', agent: false, ssh: false },
  { name: 'cpu-maintenance', expect: 'not synced', story: "status maintenance: shown, never synced", agent: true, ssh: true, status: 'maintenance' },
];

export interface DemoNode {
  name: string;
  expect: DemoOutcome;
  story: string;
  address: string;
  root: string;
}

export interface DemoCluster {
  dir: string;
  hostsFile: string;
  knownHostsFile: string;
  stateDir: string;
  payload: string;
  nodes: DemoNode[];
  /** `openssh` (real sshd) or `embedded` (the demo's ssh2 stand-in). */
  sshKind: 'openssh' | 'embedded';
  stop(): Promise<void>;
}

const yamlValue = (v: unknown) => JSON.stringify(v);

export async function startDemoCluster(dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-demo-'))): Promise<DemoCluster> {
  fs.mkdirSync(dir, { recursive: true });
  const sshKind = opensshAvailable() ? 'openssh' : 'embedded';
  const clientKeyFile = path.join(dir, 'client_key');
  const clientKey = writeKeyPair(clientKeyFile, 'ringrift-demo-client');
  const user = os.userInfo().username;
  const stops: Array<() => Promise<void>> = [];
  const known: string[] = [];
  const hostLines = ['# ringrift-sync demo cluster: every node listens on loopback (127.0.77.x) only.', 'hosts:'];
  const nodes: DemoNode[] = [];

  try {
    for (const [i, plan] of DEMO_PLAN.entries()) {
      const address = `127.0.77.${10 + i}`;
      // The NAT-blocked node's agent answers on its public address (ssh_host), not on its tailscale one.
      const publicAddress = plan.natBlocked ? `127.0.77.${30 + i}` : address;
      assertLoopback(address);
      assertLoopback(publicAddress);
      const nodeDir = path.join(dir, 'nodes', plan.name);
      const root = path.join(nodeDir, 'ringrift');
      fs.mkdirSync(root, { recursive: true });

      let sshPort = await freePort(publicAddress);
      if (plan.ssh) {
        const wrapper = path.join(nodeDir, 'refuse-rsync.sh');
        if (plan.refuseRsync) {
          fs.writeFileSync(wrapper, '#!/bin/sh\ncase "$SSH_ORIGINAL_COMMAND" in\n  rsync*) echo "sh: 1: rsync: not found" >&2; exit 127;;\nesac\nexec /bin/sh -c "$SSH_ORIGINAL_COMMAND"\n', { mode: 0o755 });
        }
        const ssh =
          sshKind === 'openssh'
            ? await startOpenSshd({ dir: nodeDir, address: publicAddress, authorizedKeys: [clientKey.publicKey], extraConfig: plan.refuseRsync ? [`ForceCommand ${wrapper}`] : [] })
            : await startEmbeddedSshd({ address: publicAddress, authorizedKey: clientKey.publicKey, refuseCommands: plan.refuseRsync ? ['rsync'] : [] });
        stops.push(() => ssh.stop());
        sshPort = ssh.port;
        known.push(knownHostsLine(publicAddress, ssh.port, ssh.hostKeyPub));
      }
      let agentPort = await freePort(publicAddress);
      if (plan.agent) {
        const agent: RunningAgent = await startAgent({ root, name: plan.name, version: 'demo', log: () => undefined }, 0, publicAddress);
        stops.push(() => agent.close());
        agentPort = agent.port;
      }
      const fields: Record<string, unknown> = {
        ssh_host: publicAddress,
        ...(plan.natBlocked ? { tailscale_ip: address, nat_blocked: true, p2p_public_port: agentPort } : {}),
        ssh_port: sshPort,
        ssh_user: user,
        ssh_key: clientKeyFile,
        ringrift_path: root,
        p2p_port: agentPort,
        status: plan.status ?? 'ready',
        role: plan.name.startsWith('gpu') ? 'gpu_selfplay' : 'cpu_selfplay',
        note: plan.story,
      };
      hostLines.push(`  ${plan.name}:   # ${plan.story}`);
      for (const [k, v] of Object.entries(fields)) hostLines.push(`    ${k}: ${yamlValue(v)}`);
      nodes.push({ name: plan.name, expect: plan.expect, story: plan.story, address: publicAddress, root });
    }
  } catch (err) {
    await Promise.all(stops.map((s) => s()));
    throw err;
  }

  hostLines.push('', 'auto_sync:', '  max_concurrent_syncs: 6', '', 'p2p_voters:', '  - gpu-healthy', '');
  const hostsFile = path.join(dir, 'distributed_hosts.yaml');
  fs.writeFileSync(hostsFile, hostLines.join('\n'));
  const knownHostsFile = path.join(dir, 'known_hosts');
  fs.writeFileSync(knownHostsFile, known.join('\n') + '\n');
  const payload = path.join(dir, 'selfplay-demo.db');
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 2654435761) >>> 24;
  fs.writeFileSync(payload, Buffer.concat(Array.from({ length: 8 }, () => chunk)));

  return {
    dir,
    hostsFile,
    knownHostsFile,
    stateDir: path.join(dir, 'state'),
    payload,
    nodes,
    sshKind,
    stop: async () => {
      await Promise.all(stops.map((s) => s().catch(() => undefined)));
    },
  };
}
