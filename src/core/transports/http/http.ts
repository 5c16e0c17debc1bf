import { AgentTransport } from './agentClient';
import type { TransportOptions } from '../transport';

/** Second link: the same agent protocol on the node's alternate address (`ssh_host`) and `p2p_public_port`. */
export class HttpTransport extends AgentTransport {
  constructor(opts: TransportOptions) {
    super('http', opts);
  }
}

export function createHttpTransport(opts: TransportOptions): HttpTransport {
  return new HttpTransport(opts);
}
