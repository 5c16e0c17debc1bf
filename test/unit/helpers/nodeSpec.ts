import type { NodeSpec } from '../../../src/core/hosts/nodeSpec';

/** A ready node on a loopback address with the default chain; tests override what they look at. */
export function nodeSpec(overrides: Partial<NodeSpec> = {}): NodeSpec {
  return {
    name: 'gpu-1',
    address: '127.0.0.11',
    sshHost: '127.0.0.1',
    tailscaleIp: '127.0.0.11',
    user: 'ubuntu',
    sshPort: 22,
    sshKey: undefined,
    p2pEnabled: true,
    p2pPort: 8770,
    httpPort: 8771,
    status: 'ready',
    ready: true,
    natBlocked: false,
    remoteBase: '~/ringrift',
    bandwidthLimitMbps: undefined,
    transports: ['p2p', 'http', 'rsync', 'base64'],
    chainSource: 'default',
    fields: {},
    range: { start: { line: 3, column: 3 }, end: { line: 3, column: 8 } },
    ...overrides,
  };
}
