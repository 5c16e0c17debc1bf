import type { TransportKind } from '../../../../src/core/hosts/nodeSpec';
import { emptyState, nodeState, transportRecord, type RecordedFailureCode, type RouterState } from '../../../../src/core/router';
import type { ServiceKind } from '../../../../src/core/transports/http/orchestrator/health';

/** Router state built up the way the router writes it, for tree and dashboard tests. */
export const NOW = Date.parse('2026-01-02T12:30:00Z');

export class StateBuilder {
  readonly state: RouterState = emptyState();

  probe(node: string, transport: TransportKind, success: boolean, opts: { latencyMs?: number; message?: string; code?: RecordedFailureCode; ago?: number; service?: ServiceKind } = {}): this {
    const time = NOW - (opts.ago ?? 1000);
    const ns = nodeState(this.state, node);
    transportRecord(ns, transport).lastProbe = { time, success, latencyMs: opts.latencyMs ?? 5, message: opts.message ?? (success ? 'ok' : 'refused'), code: opts.code, service: opts.service };
    ns.history.push({ time: new Date(time).toISOString(), transport, result: success ? 'ok' : 'failed', kind: 'probe', error: success ? undefined : opts.message ?? 'refused' });
    return this;
  }

  syncFailure(node: string, transport: TransportKind, error: string, ago = 1000): this {
    const ns = nodeState(this.state, node);
    const rec = transportRecord(ns, transport);
    rec.consecutiveFailures++;
    rec.failureTimes.push(NOW - ago);
    rec.lastError = error;
    ns.history.push({ time: new Date(NOW - ago).toISOString(), transport, result: 'failed', kind: 'sync', error });
    return this;
  }

  syncOk(node: string, transport: TransportKind, ago = 1000): this {
    const ns = nodeState(this.state, node);
    transportRecord(ns, transport).consecutiveFailures = 0;
    ns.lastWorkingTransport = transport;
    ns.lastSuccessAt = new Date(NOW - ago).toISOString();
    ns.history.push({ time: new Date(NOW - ago).toISOString(), transport, result: 'ok', kind: 'sync' });
    return this;
  }

  /** A big push's measured rate, as the router records it (routerState.recordBigPush). */
  bigPush(node: string, transport: TransportKind, bytesPerS: number, streams: number, ago = 1000): this {
    transportRecord(nodeState(this.state, node), transport).lastBigPush = { bytesPerS, streams, time: NOW - ago };
    return this;
  }

  disable(node: string, ago = 1000): this {
    const ns = nodeState(this.state, node);
    ns.enabled = false;
    ns.disabledAt = new Date(NOW - ago).toISOString();
    ns.reason = 'all_transports_exhausted';
    ns.failedTransports = ['p2p', 'rsync'];
    return this;
  }

  prefer(node: string, transport: 'p2p' | 'http' | 'rsync' | 'base64'): this {
    nodeState(this.state, node).preferredTransport = transport;
    return this;
  }

  escalation(ago = 1000): this {
    this.state.escalations.push(NOW - ago);
    return this;
  }
}
