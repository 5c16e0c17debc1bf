import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startAgent, type RunningAgent } from '../agent/server';
import { startEmbeddedSshd } from './embeddedSshd';
import { writeKeyPair } from './keys';
import type { TransportKind } from '../core/hosts/nodeSpec';
import { onPath } from '../core/localTools';
import { knownHostsLine, opensshAvailable, startOpenSshd } from './openSshd';
import { assertLoopback, freePort } from './ports';

/**
 * The built-in demo cluster: seven loopback nodes, one per path of the runbook. Everything listens on
 * 127.0.77.x; nothing leaves the machine.
 */
type DemoOutcome = TransportKind | 'disabled' | 'not synced';

/** A local tool a rung needs on the operator's machine; without it that rung cannot be shown here. */
interface MissingTool {
  tool: 'rsync' | 'ssh';
  /** What installs it, and what the demo would show then. */
  fix: string;
  /** The rung that took over on the nodes that would have used it. */
  instead: DemoOutcome;
}

interface DemoNodePlan {
  name: string;
  /** What the escalating sync should end with on a machine that has every local tool. */
  expect: DemoOutcome;
  /** The rung `expect` names needs these local tools; without them the sync ends on `otherwise`. */
  needs?: { tools: MissingTool['tool'][]; otherwise: DemoOutcome };
  story: string;
  agent: boolean;
  ssh: boolean;
  refuseRsync?: boolean;
  /** The agent answers only on the public address (ssh_host, p2p_public_port); tailscale_ip has nothing. */
  publicAgentOnly?: boolean;
  natBlocked?: boolean;
  status?: string;
}

const DEMO_PLAN: DemoNodePlan[] = [
  { name: 'gpu-healthy', expect: 'p2p', story: 'agent up: p2p works', agent: true, ssh: true },
  {
    name: 'gpu-agent-down', expect: 'rsync', needs: { tools: ['rsync', 'ssh'], otherwise: 'base64' },
    story: 'agent down: rsync over SSH takes over', agent: false, ssh: true,
  },
  { name: 'gpu-base64-only', expect: 'base64', story: 'no agent, rsync missing on the node: base64 over SSH', agent: false, ssh: true, refuseRsync: true },
  { name: 'gpu-tailscale-down', expect: 'http', story: 'Tailscale address silent: p2p fails, HTTP on the public address', agent: true, ssh: true, publicAgentOnly: true },
  {
    name: 'gpu-nat-blocked', expect: 'base64', story: 'nat_blocked (RingRift relay mode): p2p and rsync skipped, base64 over SSH',
    agent: true, ssh: true, publicAgentOnly: true, natBlocked: true,
  },
  { name: 'gpu-dead', expect: 'disabled', story: 'nothing answers: every transport fails, node disabled', agent: false, ssh: false },
  { name: 'cpu-maintenance', expect: 'not synced', story: "status maintenance: shown, never synced", agent: true, ssh: true, status: 'maintenance' },
];

export interface DemoNode {
  name: string;
  /** Where its sync should end on this machine (see `missingTools`). */
  expect: DemoOutcome;
  story: string;
  /** Set when a local tool is missing here: why `expect` differs from the full demo, and the fix. */
  missing?: MissingTool[];
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
  /** Local tools a rung needs that this machine lacks, each with its fix. */
  missingTools: MissingTool[];
  stop(): Promise<void>;
}

const yamlValue = (v: unknown) => JSON.stringify(v);

const TOOL_FIX: Record<MissingTool['tool'], string> = {
  rsync: 'apt-get install rsync (brew install rsync): the agent-down node would then sync over rsync',
  ssh: 'apt-get install openssh-client: rsync runs over the system ssh',
};

/** The local tools the rsync rung needs that are not on PATH here. */
function missingLocalTools(env: NodeJS.ProcessEnv): MissingTool[] {
  return (['rsync', 'ssh'] as const).filter((tool) => !onPath(tool, env)).map((tool) => ({ tool, fix: TOOL_FIX[tool], instead: 'base64' }));
}

/** Where a node's sync ends on a machine missing `missing`. */
function resolveExpectation(plan: DemoNodePlan, missing: MissingTool[]): Pick<DemoNode, 'expect' | 'missing'> {
  const lacking = missing.filter((m) => plan.needs?.tools.includes(m.tool));
  if (!plan.needs || lacking.length === 0) return { expect: plan.expect };
  return { expect: plan.needs.otherwise, missing: lacking.map((m) => ({ ...m, instead: plan.needs!.otherwise })) };
}

export async function startDemoCluster(dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-demo-'))): Promise<DemoCluster> {
  fs.mkdirSync(dir, { recursive: true });
  const sshKind = opensshAvailable() ? 'openssh' : 'embedded';
  const missingTools = missingLocalTools(process.env);
  const clientKeyFile = path.join(dir, 'client_key');
  const clientKey = writeKeyPair(clientKeyFile, 'ringrift-demo-client');
  const setup: DemoSetup = {
    dir, sshKind, missingTools, clientKeyFile, clientPublicKey: clientKey.publicKey, user: os.userInfo().username,
    stops: [], known: [], hostLines: ['# ringrift-sync demo cluster: every node listens on loopback (127.0.77.x) only.', 'hosts:'],
  };
  const nodes: DemoNode[] = [];
  try {
    for (const [i, plan] of DEMO_PLAN.entries()) nodes.push(await startDemoNode(setup, i, plan));
  } catch (err) {
    await Promise.all(setup.stops.map((s) => s()));
    throw err;
  }
  const { hostsFile, knownHostsFile, payload } = writeDemoFiles(setup);
  return {
    dir,
    hostsFile,
    knownHostsFile,
    stateDir: path.join(dir, 'state'),
    payload,
    nodes,
    sshKind,
    missingTools,
    stop: async () => {
      await Promise.all(setup.stops.map((s) => s().catch(() => undefined)));
    },
  };
}

/** What the demo's nodes share while the cluster starts, and what they add to it. */
interface DemoSetup {
  dir: string;
  sshKind: DemoCluster['sshKind'];
  missingTools: MissingTool[];
  clientKeyFile: string;
  clientPublicKey: string;
  user: string;
  /** Stops each server started so far. */
  stops: Array<() => Promise<void>>;
  /** known_hosts lines of the nodes' sshds. */
  known: string[];
  hostLines: string[];
}

/** Starts one node's sshd and agent, as its plan says, and adds its entry to the hosts file. */
async function startDemoNode(setup: DemoSetup, i: number, plan: DemoNodePlan): Promise<DemoNode> {
  const address = `127.0.77.${10 + i}`;
  // Such a node's agent answers on its public address (ssh_host), not on its tailscale one.
  const publicAddress = plan.publicAgentOnly ? `127.0.77.${30 + i}` : address;
  assertLoopback(address);
  assertLoopback(publicAddress);
  const nodeDir = path.join(setup.dir, 'nodes', plan.name);
  const root = path.join(nodeDir, 'ringrift');
  fs.mkdirSync(root, { recursive: true });

  const sshPort = await startNodeSshd(setup, plan, nodeDir, publicAddress);
  let agentPort = await freePort(publicAddress);
  if (plan.agent) {
    const agent: RunningAgent = await startAgent({ root, name: plan.name, version: 'demo', log: () => undefined }, 0, publicAddress);
    setup.stops.push(() => agent.close());
    agentPort = agent.port;
  }
  const fields: Record<string, unknown> = {
    ssh_host: publicAddress,
    ...(plan.publicAgentOnly ? { tailscale_ip: address, p2p_public_port: agentPort } : {}),
    ...(plan.natBlocked ? { nat_blocked: true } : {}),
    ssh_port: sshPort,
    ssh_user: setup.user,
    ssh_key: setup.clientKeyFile,
    ringrift_path: root,
    p2p_port: agentPort,
    status: plan.status ?? 'ready',
    role: plan.name.startsWith('gpu') ? 'gpu_selfplay' : 'cpu_selfplay',
    note: plan.story,
  };
  setup.hostLines.push(`  ${plan.name}:   # ${plan.story}`);
  for (const [k, v] of Object.entries(fields)) setup.hostLines.push(`    ${k}: ${yamlValue(v)}`);
  return { name: plan.name, ...resolveExpectation(plan, setup.missingTools), story: plan.story, address: publicAddress, root };
}

/** The node's sshd when its plan has one (OpenSSH, else the embedded one); its port, or a free port nothing listens on. */
async function startNodeSshd(setup: DemoSetup, plan: DemoNodePlan, nodeDir: string, publicAddress: string): Promise<number> {
  const freeSshPort = await freePort(publicAddress);
  if (!plan.ssh) return freeSshPort;
  const wrapper = path.join(nodeDir, 'refuse-rsync.sh');
  if (plan.refuseRsync) {
    fs.writeFileSync(wrapper, '#!/bin/sh\ncase "$SSH_ORIGINAL_COMMAND" in\n  rsync*) echo "sh: 1: rsync: not found" >&2; exit 127;;\nesac\nexec /bin/sh -c "$SSH_ORIGINAL_COMMAND"\n', { mode: 0o755 });
  }
  const ssh =
    setup.sshKind === 'openssh'
      ? await startOpenSshd({ dir: nodeDir, address: publicAddress, authorizedKeys: [setup.clientPublicKey], extraConfig: plan.refuseRsync ? [`ForceCommand ${wrapper}`] : [] })
      : await startEmbeddedSshd({ address: publicAddress, authorizedKey: setup.clientPublicKey, refuseCommands: plan.refuseRsync ? ['rsync'] : [] });
  setup.stops.push(() => ssh.stop());
  setup.known.push(knownHostsLine(publicAddress, ssh.port, ssh.hostKeyPub));
  return ssh.port;
}

/** The hosts file, known_hosts, and an 8 MiB payload to sync (the same bytes every run). */
function writeDemoFiles(setup: DemoSetup): { hostsFile: string; knownHostsFile: string; payload: string } {
  const { dir } = setup;
  setup.hostLines.push('', 'auto_sync:', '  max_concurrent_syncs: 7', '', 'p2p_voters:', '  - gpu-healthy', '');
  const hostsFile = path.join(dir, 'distributed_hosts.yaml');
  fs.writeFileSync(hostsFile, setup.hostLines.join('\n'));
  const knownHostsFile = path.join(dir, 'known_hosts');
  fs.writeFileSync(knownHostsFile, setup.known.join('\n') + '\n');
  const payload = path.join(dir, 'selfplay-demo.db');
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 2654435761) >>> 24;
  fs.writeFileSync(payload, Buffer.concat(Array.from({ length: 8 }, () => chunk)));
  return { hostsFile, knownHostsFile, payload };
}
