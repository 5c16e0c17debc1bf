import type { NodeSpec } from '../../../src/core/hosts/nodeSpec';
import type { TestCluster, TestNode } from './cluster';

/**
 * A NodeSpec for a test node, as the hosts file loader would make it from `writeHostsFile()`
 * (ssh_host, ssh_port, ssh_user, ssh_key, ringrift_path set). For SSH tests that need no hosts file.
 */
export function nodeSpecOf(cluster: TestCluster, n: TestNode, overrides: Partial<NodeSpec> = {}): NodeSpec {
  const fields = {
    ssh_host: n.address,
    ssh_port: n.sshPort,
    ssh_user: cluster.user,
    ssh_key: cluster.clientKey,
    ringrift_path: n.root,
    p2p_port: n.agentPort,
    status: 'ready',
  };
  return {
    name: n.name,
    address: n.address,
    sshHost: n.address,
    tailscaleIp: undefined,
    user: cluster.user,
    sshPort: n.sshPort,
    sshKey: cluster.clientKey,
    p2pEnabled: true,
    p2pPort: n.agentPort,
    httpPort: undefined,
    status: 'ready',
    ready: true,
    natBlocked: false,
    remoteBase: n.root,
    bandwidthLimitMbps: undefined,
    transports: ['p2p', 'http', 'rsync', 'base64'],
    chainSource: 'default',
    fields,
    range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
    ...overrides,
  };
}
