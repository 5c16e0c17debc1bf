import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sshdCommand, sshdConfigText } from '../../../src/demo/openSshd';
import { freePorts, startProcess, waitForPort, type Started } from './processes';

/**
 * Real test nodes on loopback (test-cluster recipe): node i gets its own address 127.0.0.(base+i),
 * its own OpenSSH sshd (own host key, authorized_keys, config), the system rsync, and our agent.
 * Nothing here talks to anything but 127.0.0.0/8.
 */

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const CLI_JS = path.join(REPO_ROOT, 'dist/cli.js');
const SSHD = '/usr/sbin/sshd';

let built = false;
/** Builds dist/ once per test process (esbuild, about a second). */
export function ensureBuilt(): void {
  if (built) return;
  execFileSync('node', ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
  built = true;
}

/** Fails with a clear reason when the real parts are missing: integration never skips silently. */
function requireRealParts(): void {
  const missing = [SSHD, '/usr/bin/rsync', '/usr/bin/ssh', '/usr/bin/ssh-keygen'].filter((p) => !fs.existsSync(p));
  if (missing.length) {
    throw new Error(`integration tests need OpenSSH and rsync (apt-get install openssh-server rsync); missing: ${missing.join(', ')}`);
  }
}

export interface NodeOptions {
  name: string;
  /** Start an sshd for this node (default true). */
  sshd?: boolean;
  /** Start our agent for this node (default true). */
  agent?: boolean;
  /** Extra sshd_config lines (e.g. a ForceCommand that refuses rsync). */
  sshdConfig?: string[];
  /** sshd LogLevel (default ERROR); VERBOSE logs each authentication, for tests that assert none happened. */
  logLevel?: string;
  /** Extra `ringrift-sync agent` flags. */
  agentArgs?: string[];
  /** Extra host fields written into the hosts file. */
  fields?: Record<string, unknown>;
}

export class TestNode {
  sshdProc?: Started;
  agentProc?: Started;
  constructor(
    readonly name: string,
    readonly address: string,
    readonly sshPort: number,
    readonly agentPort: number,
    /** The node's `ringrift_path` and the agent's `--root`. */
    readonly root: string,
    readonly dir: string,
    readonly hostKeyPub: string,
    private readonly opts: NodeOptions,
  ) {}

  /** The known_hosts line for this node's host key. */
  knownHostsLine(): string {
    const [type, key] = this.hostKeyPub.trim().split(/\s+/);
    return `[${this.address}]:${this.sshPort} ${type} ${key}`;
  }

  async startSshd(): Promise<void> {
    this.sshdProc = startProcess(...sshdCommand(path.join(this.dir, 'sshd_config')));
    await waitForPort(this.address, this.sshPort, 5000, `sshd of ${this.name}`, true).catch((err) => {
      throw new Error(`${err.message}\n${this.sshdProc?.output()}`);
    });
  }

  async startAgent(extraArgs: string[] = []): Promise<void> {
    const args = [CLI_JS, 'agent', '--port', String(this.agentPort), '--root', this.root, '--bind', this.address, '--name', this.name];
    this.agentProc = startProcess(process.execPath, [...args, ...(this.opts.agentArgs ?? []), ...extraArgs]);
    await waitForPort(this.address, this.agentPort, 5000, `agent of ${this.name}`).catch((err) => {
      throw new Error(`${err.message}\n${this.agentProc?.output()}`);
    });
  }

  async stopAgent(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.agentProc?.stop(signal);
    this.agentProc = undefined;
  }

  async stopSshd(): Promise<void> {
    await this.sshdProc?.stop();
    this.sshdProc = undefined;
  }

  /**
   * `mount` or `umount` where the node's SSH sessions see it: its sshd runs in a mount namespace of
   * its own (sshdCommand), which a mount made here does not reach.
   */
  mountForSessions(cmd: 'mount' | 'umount', args: string[]): void {
    const pid = this.sshdProc?.child.pid;
    if (pid === undefined) throw new Error(`${this.name}: no sshd running to mount for`);
    execFileSync('nsenter', ['-t', String(pid), '-m', cmd, ...args], { stdio: 'pipe' });
  }

  /** `file` as the node's SSH sessions see it (through their mount namespace). */
  sessionView(file: string): string {
    const pid = this.sshdProc?.child.pid;
    return pid === undefined ? file : path.join(`/proc/${pid}/root`, file);
  }

  /** Path of a file on this node, relative to its root. */
  file(rel: string): string {
    return path.join(this.root, rel);
  }
}

export interface TestCluster {
  dir: string;
  nodes: TestNode[];
  node(name: string): TestNode;
  /** Private key authorised on every node (no passphrase). */
  clientKey: string;
  /** known_hosts holding every node's host key. */
  knownHostsFile: string;
  user: string;
  /** Writes a distributed_hosts.yaml for the cluster and returns its path. */
  writeHostsFile(extraHostFields?: Record<string, Record<string, unknown>>): string;
  stop(): Promise<void>;
}

let clusterCount = 0;

/**
 * Starts the nodes. `firstOctet` picks the loopback range (127.0.<third>.<10+i>) so suites running
 * one after another do not reuse addresses still in TIME_WAIT.
 */
export async function startCluster(specs: NodeOptions[], third = 0): Promise<TestCluster> {
  requireRealParts();
  // Only the agent runs from dist/; SSH-only clusters need no build.
  if (specs.some((s) => s.agent !== false)) ensureBuilt();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-cluster-'));
  const user = os.userInfo().username;
  if (process.getuid?.() === 0) fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const clientKey = path.join(dir, 'client_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ringrift-test-client', '-f', clientKey]);
  const clientPub = fs.readFileSync(clientKey + '.pub', 'utf8');
  const octet3 = third || 100 + (clusterCount++ % 100);

  const nodes: TestNode[] = [];
  for (const [i, spec] of specs.entries()) {
    const address = `127.0.${octet3}.${10 + i}`;
    const nodeDir = path.join(dir, 'nodes', spec.name);
    const root = path.join(nodeDir, 'root');
    fs.mkdirSync(root, { recursive: true });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', path.join(nodeDir, 'host_key')]);
    fs.writeFileSync(path.join(nodeDir, 'authorized_keys'), clientPub, { mode: 0o600 });
    const [sshPort, agentPort] = await freePorts(address, 2);
    fs.writeFileSync(
      path.join(nodeDir, 'sshd_config'),
      sshdConfigText({ address, port: sshPort, dir: nodeDir, logLevel: spec.logLevel, extraConfig: spec.sshdConfig }),
    );
    const hostKeyPub = fs.readFileSync(path.join(nodeDir, 'host_key.pub'), 'utf8');
    nodes.push(new TestNode(spec.name, address, sshPort, agentPort, root, nodeDir, hostKeyPub, spec));
  }

  const knownHostsFile = path.join(dir, 'known_hosts');
  fs.writeFileSync(knownHostsFile, nodes.map((n) => n.knownHostsLine()).join('\n') + '\n');

  const cluster: TestCluster = {
    dir,
    nodes,
    clientKey,
    knownHostsFile,
    user,
    node(name) {
      const n = nodes.find((x) => x.name === name);
      if (!n) throw new Error(`no test node '${name}'`);
      return n;
    },
    writeHostsFile(extra = {}) {
      const lines = ['hosts:'];
      for (const [i, n] of nodes.entries()) {
        const fields: Record<string, unknown> = {
          ssh_host: n.address,
          ssh_port: n.sshPort,
          ssh_user: user,
          ssh_key: clientKey,
          ringrift_path: n.root,
          p2p_port: n.agentPort,
          status: 'ready',
          ...(specs[i].fields ?? {}),
          ...(extra[n.name] ?? {}),
        };
        lines.push(`  ${n.name}:`);
        for (const [k, v] of Object.entries(fields)) lines.push(`    ${k}: ${JSON.stringify(v)}`);
      }
      const file = path.join(dir, 'distributed_hosts.yaml');
      fs.writeFileSync(file, lines.join('\n') + '\n');
      return file;
    },
    async stop() {
      await Promise.all(nodes.flatMap((n) => [n.stopAgent(), n.stopSshd()]));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    await Promise.all(
      nodes.map(async (n, i) => {
        if (specs[i].sshd !== false) await n.startSshd();
        if (specs[i].agent !== false) await n.startAgent();
      }),
    );
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}
