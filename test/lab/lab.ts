import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeKeyPair } from '../../src/demo/keys';
import { orchestratorStartIn } from '../integration/harness/orchestrator';
import { ensureBuilt } from '../integration/harness/cluster';
import { writeHostsFile } from './hostsFile';
import { acquireLabLock, releaseLabLock } from './labLock';
import {
  ROUTER_NS,
  addGuardRoute,
  cleanStaleLab,
  createNamespace,
  deleteClientLink,
  deleteNamespace,
  ROUTER_CLIENT_ADDR,
  nodeAddress,
  nodeNamespace,
  publicSshPort,
  removeGuardRouteIfUnused,
} from './namespaces';
import { cubicEnv, cubicShimLib, delayLineBin } from './native';
import { AGENT_PORT, SSH_PORT, knownHostsLines, prepareNode, startAgent, startSshd, waitReady, type LabNodeInfo } from './nodes';
import { adoptProcess, isRunning, stopProcess, type LabProcess } from './processes';
import { find, validateProfile, type LinkProfile } from './profiles';
import { requireLabParts } from './requirements';
import { attachNode, createRouter, routerLink } from './router';
import { applyProfile, removeDelayRouting } from './shaping';
import { ipIn } from './sh';

/**
 * The network lab: N nodes in their own namespaces behind one router, each link with a profile of
 * real faults. Its state lives in `DIR/lab.json`, so `cli.ts down` can stop a lab that `cli.ts up`
 * started. One lab per machine: starting one removes any `rrlab-*` namespaces left behind.
 */

export interface LabNodeState {
  info: LabNodeInfo;
  profile: LinkProfile;
  sshd?: LabProcess;
  /** What serves :8770 (our agent or the real orchestrator, as info.service says). */
  agent?: LabProcess;
  /** The delay line and flap loop of the current profile. */
  shapers: LabProcess[];
}

export interface LabState {
  dir: string;
  /** The lab made `dir` itself (a temp dir) and removes it on stop. */
  ownsDir: boolean;
  user: string;
  clientKey: string;
  knownHosts: string;
  hostsFile: string;
  /** The cluster token the lab's orchestrator nodes were started with (only when there are any). */
  token?: string;
  nodes: LabNodeState[];
}

export interface LabOptions {
  /** Node names (default n1..nN for a count). */
  nodes: number | string[];
  /** One profile for every node, or per node name (missing: clean). */
  profile?: LinkProfile | Record<string, LinkProfile>;
  /** Nodes that run the real RingRift orchestrator on :8770 instead of our agent. */
  orchestrator?: string[];
  /** Where keys, logs, node roots and lab.json go (default: a new temp dir). */
  dir?: string;
  /**
   * More hosts-file fields per node name (`{ natted: { nat_blocked: true } }`). A node that starts
   * on a `nat=ssh` profile gets its public SSH address (the router's forward) as ssh_host/ssh_port.
   */
  hostFields?: Record<string, Record<string, unknown>>;
}

export const STATE_FILE = 'lab.json';

export class Lab {
  /** `locked`: this process took the lab lock for this lab (a lab loaded from lab.json did not). */
  constructor(
    readonly state: LabState,
    private locked = false,
  ) {}

  /** Frees the lab lock for other runs while the lab keeps running (`cli.ts up` before it exits). */
  unlock(): void {
    if (this.locked) releaseLabLock();
    this.locked = false;
  }

  static load(dir: string): Lab {
    return new Lab(JSON.parse(fs.readFileSync(path.join(dir, STATE_FILE), 'utf8')) as LabState);
  }

  get dir(): string {
    return this.state.dir;
  }

  get nodes(): LabNodeInfo[] {
    return this.state.nodes.map((n) => n.info);
  }

  node(name: string): LabNodeInfo {
    return this.entry(name).info;
  }

  private entry(name: string): LabNodeState {
    const n = this.state.nodes.find((x) => x.info.name === name);
    if (!n) throw new Error(`lab: no node '${name}' (have ${this.state.nodes.map((x) => x.info.name).join(', ')})`);
    return n;
  }

  private save(): void {
    fs.writeFileSync(path.join(this.dir, STATE_FILE), JSON.stringify(this.state, null, 2));
  }

  /** Environment for the CLI and for senders: hosts file, known_hosts, and the CUBIC shim. */
  env(): Record<string, string> {
    const token: Record<string, string> = this.state.token ? { RINGRIFT_CLUSTER_AUTH_TOKEN: this.state.token } : {};
    return { RINGRIFT_HOSTS_FILE: this.state.hostsFile, RINGRIFT_SYNC_KNOWN_HOSTS: this.state.knownHosts, ...token, ...cubicEnv() };
  }

  /** `ssh` options that log in to any lab node with a verified host key. */
  sshOptions(): string[] {
    return ['-i', this.state.clientKey, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${this.state.knownHosts}`, '-o', 'ConnectTimeout=5'];
  }

  /** Where a `nat=ssh` node's sshd is reached from outside: the router's forwarded port. */
  publicSsh(name: string): { host: string; port: number } {
    return { host: ROUTER_CLIENT_ADDR, port: publicSshPort(this.node(name).index) };
  }

  sshTarget(name: string): string {
    return `${this.state.user}@${this.node(name).address}`;
  }

  profileOf(name: string): LinkProfile {
    return this.entry(name).profile;
  }

  /** Replaces a node's profile while everything keeps running. */
  async setProfile(name: string, profile: LinkProfile): Promise<void> {
    validateProfile(profile);
    const n = this.entry(name);
    removeDelayRouting(n.info.index);
    await Promise.all(n.shapers.map((p) => stopProcess(p)));
    n.shapers = [];
    n.profile = profile;
    this.save();
    n.shapers = await applyProfile({ index: n.info.index, nodeNs: n.info.ns, dir: n.info.dir }, profile);
    this.save();
  }

  /** Whether the router's side of the node's link is up (it flaps under a `flap` profile). */
  linkUp(name: string): boolean {
    return /<[^>]*\bUP\b/.test(ipIn(ROUTER_NS, ['link', 'show', routerLink(this.node(name).index)]));
  }

  async stopAgent(name: string): Promise<void> {
    const n = this.entry(name);
    if (n.agent) await stopProcess(n.agent);
    n.agent = undefined;
    this.save();
  }

  /** Starts the node's agent (or orchestrator) again and waits for it (seen from the client: the link must let it through). */
  async startAgent(name: string): Promise<void> {
    const n = this.entry(name);
    if (n.agent && isRunning(n.agent)) return;
    await this.startService(n);
  }

  /** Our agent, or the real orchestrator (whose recipe waits for its /health itself). */
  async startService(n: LabNodeState): Promise<void> {
    if (n.info.service === 'orchestrator') {
      const o = await orchestratorStartIn(path.join(n.info.dir, 'orchestrator'), n.info.ns, n.info.address, n.info.name, this.state.token ?? '');
      n.agent = adoptProcess(o.pid, `orchestrator ${n.info.name}`, o.log);
      return this.save();
    }
    n.agent = startAgent(n.info);
    this.save();
    await waitReady(n.info, n.agent, AGENT_PORT);
  }

  /** Stops every process this lab started, then deletes its namespaces. */
  async stop(): Promise<void> {
    const procs = this.state.nodes.flatMap((n) => [...n.shapers, ...(n.agent ? [n.agent] : []), ...(n.sshd ? [n.sshd] : [])]);
    await Promise.all(procs.map((p) => stopProcess(p)));
    for (const n of this.state.nodes) await deleteNamespace(n.info.ns).catch(() => undefined);
    deleteClientLink();
    await deleteNamespace(ROUTER_NS).catch(() => undefined);
    removeGuardRouteIfUnused();
    fs.rmSync(this.state.ownsDir ? this.dir : path.join(this.dir, STATE_FILE), { recursive: true, force: true });
    this.unlock();
  }
}

/** ssh_host/ssh_port of the nodes that start behind a NAT with their SSH port forwarded. */
function publicSshFields(opts: LabOptions, nodes: LabNodeInfo[]): Record<string, Record<string, unknown>> {
  const fields: Record<string, Record<string, unknown>> = {};
  for (const n of nodes) {
    if (find(profileFor(opts, n.name), 'nat')?.forwardSsh) fields[n.name] = { ssh_host: ROUTER_CLIENT_ADDR, ssh_port: publicSshPort(n.index) };
    if (opts.hostFields?.[n.name]) fields[n.name] = { ...fields[n.name], ...opts.hostFields[n.name] };
  }
  return fields;
}

function profileFor(opts: LabOptions, name: string): LinkProfile {
  const p = opts.profile;
  if (!p) return [];
  return Array.isArray(p) ? (p as LinkProfile) : ((p as Record<string, LinkProfile>)[name] ?? []);
}

/** Namespaces, router, one sshd and agent per node, known_hosts and hosts file; then the profiles. */
export async function startLab(opts: LabOptions): Promise<Lab> {
  requireLabParts();
  ensureBuilt();
  delayLineBin();
  cubicShimLib();
  const names = typeof opts.nodes === 'number' ? Array.from({ length: opts.nodes }, (_, i) => `n${i + 1}`) : opts.nodes;
  for (const name of names) validateProfile(profileFor(opts, name));
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rrlab-run-'));
  fs.mkdirSync(dir, { recursive: true });
  const clientKey = path.join(dir, 'client_key');
  const clientPub = writeKeyPair(clientKey, 'rrlab-client').publicKey;
  const state: LabState = {
    dir,
    ownsDir: !opts.dir,
    user: os.userInfo().username,
    clientKey,
    knownHosts: path.join(dir, 'known_hosts'),
    hostsFile: path.join(dir, 'distributed_hosts.yaml'),
    ...(opts.orchestrator?.length ? { token: randomBytes(24).toString('hex') } : {}),
    nodes: [],
  };
  // Before anything is deleted: another process's lab is not stale, it is waited for.
  await acquireLabLock();
  const lab = new Lab(state, true);
  try {
    await cleanStaleLab();
    addGuardRoute();
    createRouter();
    for (const [i, name] of names.entries()) {
      const index = i + 1;
      const ns = nodeNamespace(name);
      const nodeDir = path.join(dir, 'nodes', name);
      createNamespace(ns);
      attachNode(index, ns);
      const service = opts.orchestrator?.includes(name) ? 'orchestrator' : 'agent';
      // The orchestrator's recipe puts its ai-service tree (its ringrift_path) under its own dir.
      const root = path.join(nodeDir, ...(service === 'orchestrator' ? ['orchestrator', 'ringrift', 'ai-service'] : ['root']));
      const info = prepareNode({ name, index, ns, address: nodeAddress(index), service, root, dir: nodeDir }, clientPub);
      state.nodes.push({ info, profile: [], shapers: [], sshd: startSshd(info) });
    }
    await Promise.all(state.nodes.map((n) => waitReady(n.info, n.sshd!, SSH_PORT)));
    await Promise.all(state.nodes.map((n) => lab.startService(n)));
    fs.writeFileSync(state.knownHosts, state.nodes.flatMap((n) => knownHostsLines(n.info)).join('\n') + '\n');
    writeHostsFile(state.hostsFile, lab.nodes, state.user, clientKey, publicSshFields(opts, lab.nodes));
    for (const n of state.nodes) await lab.setProfile(n.info.name, profileFor(opts, n.info.name));
  } catch (err) {
    await lab.stop();
    throw err;
  }
  return lab;
}
