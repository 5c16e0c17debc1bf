import { P2PTransport } from '../../../../src/core/transports/http/p2p';
import { nodeFor } from '../../../unit/core/transports/http/agentFixtures';
import { describeAgentTransport } from './agentTransportSuite';

/** p2p: the agent at the node's preferred address on p2p_port (ssh_host points at nothing). */
describeAgentTransport({
  kind: 'p2p',
  make: (opts) => new P2PTransport(opts),
  node: (host, port) => nodeFor({ address: host, port }, { sshHost: '127.0.0.1', httpPort: 9 }),
  addresses: ['127.0.51.10', '127.0.51.11'],
});
