import { HttpTransport } from '../../../../src/core/transports/http/http';
import { nodeFor } from '../../../unit/core/transports/http/agentFixtures';
import { describeAgentTransport } from './agentTransportSuite';

/** http: the same agent protocol at ssh_host on p2p_public_port (the p2p address points at nothing). */
describeAgentTransport({
  kind: 'http',
  make: (opts) => new HttpTransport(opts),
  node: (host, port) => nodeFor({ address: '127.0.0.1', port: 9 }, { sshHost: host, httpPort: port }),
  addresses: ['127.0.52.10', '127.0.52.11'],
});
