import type { TransportKind } from '../hosts/nodeSpec';
import { Base64Transport } from './base64/base64';
import { HttpTransport } from './http/http';
import { P2PTransport } from './http/p2p';
import { RsyncTransport } from './rsync/rsync';
import type { Transport, TransportOptions } from './transport';

/** The escalation chain's transports, one per kind, sharing one set of options and callbacks. */
export function createTransports(opts: TransportOptions): Record<TransportKind, Transport> {
  return {
    p2p: new P2PTransport(opts),
    http: new HttpTransport(opts),
    rsync: new RsyncTransport(opts),
    base64: new Base64Transport(opts),
  };
}

export type { Transport, TransportOptions } from './transport';
