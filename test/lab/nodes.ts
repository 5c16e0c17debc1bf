import * as fs from 'node:fs';
import * as path from 'node:path';
import { knownHostsLine, sshdCommand, sshdConfigText } from '../../src/demo/openSshd';
import { writeKeyPair } from '../../src/demo/keys';
import { waitForPort } from '../../src/demo/ports';
import { CLI_JS } from '../integration/harness/cluster';
import { ROUTER_CLIENT_ADDR, publicSshPort } from './namespaces';
import { cubicEnv } from './native';
import { logTail, startIn, type LabProcess } from './processes';

/**
 * One lab node: a namespace with OpenSSH sshd on :22 (own host key, key-only auth) and our agent on
 * :8770 over `root`. Both run with the CUBIC shim, as the peers' senders do on a real WAN.
 */

export const SSH_PORT = 22;
export const AGENT_PORT = 8770;
/**
 * A lab node's sshd drops logins as shipped: OpenSSH's default MaxStartups (30 % of the
 * unauthenticated connections beyond 10 refused, rising to all at 100), which a push's streams
 * meet on a real node; the loopback fleets' raised bound hid it.
 */
const OPENSSH_MAX_STARTUPS = '10:30:100';

export interface LabNodeInfo {
  name: string;
  index: number;
  ns: string;
  address: string;
  /** What serves :8770: our agent, or the real RingRift orchestrator. */
  service: 'agent' | 'orchestrator';
  /** The node's ringrift_path: the agent's --root, or the orchestrator's ai-service directory. */
  root: string;
  dir: string;
  hostKeyPub: string;
}

/** Writes the node's host key, authorized_keys and sshd_config. */
export function prepareNode(info: Omit<LabNodeInfo, 'hostKeyPub'>, clientPub: string): LabNodeInfo {
  fs.mkdirSync(info.root, { recursive: true });
  const { publicKey } = writeKeyPair(path.join(info.dir, 'host_key'), `rrlab-${info.name}`);
  fs.writeFileSync(path.join(info.dir, 'authorized_keys'), clientPub.trim() + '\n', { mode: 0o600 });
  fs.writeFileSync(path.join(info.dir, 'sshd_config'), sshdConfigText({ address: '0.0.0.0', port: SSH_PORT, dir: info.dir, maxStartups: OPENSSH_MAX_STARTUPS }));
  return { ...info, hostKeyPub: publicKey };
}

/** The node's host key at its own address, and at its public SSH port on the router (`nat=ssh`). */
export function knownHostsLines(node: LabNodeInfo): string[] {
  return [knownHostsLine(node.address, SSH_PORT, node.hostKeyPub), knownHostsLine(ROUTER_CLIENT_ADDR, publicSshPort(node.index), node.hostKeyPub)];
}

export function startSshd(node: LabNodeInfo): LabProcess {
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const config = path.join(node.dir, 'sshd_config');
  return startIn(node.ns, `sshd ${node.name}`, ...sshdCommand(config), path.join(node.dir, 'sshd.log'), cubicEnv());
}

export function startAgent(node: LabNodeInfo): LabProcess {
  const args = [CLI_JS, 'agent', '--port', String(AGENT_PORT), '--bind', '0.0.0.0', '--root', node.root, '--name', node.name];
  return startIn(node.ns, `agent ${node.name}`, process.execPath, args, path.join(node.dir, 'agent.log'), cubicEnv());
}

/** Waits for a daemon's port, seen from the client (so only on a link that lets it through). */
export async function waitReady(node: LabNodeInfo, proc: LabProcess, port: number): Promise<void> {
  await waitForPort(node.address, port, 10000, `${proc.role}`, port === SSH_PORT).catch((err: Error) => {
    throw new Error(`${err.message}\n${logTail(proc)}`);
  });
}
