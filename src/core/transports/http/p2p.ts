import { AgentTransport } from './agentClient';
import type { TransportOptions } from '../transport';

/** First link of the chain: the node's agent at its preferred address (`tailscale_ip`) on `p2p_port`. */
export class P2PTransport extends AgentTransport {
  constructor(opts: TransportOptions) {
    super('p2p', opts);
  }
}

export function createP2PTransport(opts: TransportOptions): P2PTransport {
  return new P2PTransport(opts);
}
