import type { NodeSpec, TransportKind } from '../hosts/nodeSpec';
import { fail, ok, type Result } from '../result';
import type { EventLog } from './eventLog';
import { nodeState } from './routerState';
import { parseTransportName } from './routerSettings';
import type { StateStore } from './stateStore';

/**
 * The runbook's recovery options, each one state change plus its event:
 *   re-enable a disabled node, reset its transport failure counters, set its preferred transport.
 */
export interface RecoveryDeps {
  store: StateStore;
  events: EventLog;
  clock: () => number;
}

export interface RecoveryOutcome {
  node: string;
  changed: boolean;
  message: string;
}

export async function reenableNode(deps: RecoveryDeps, node: NodeSpec): Promise<RecoveryOutcome> {
  const wasDisabled = await deps.store.update((state) => {
    const ns = nodeState(state, node.name);
    const was = !ns.enabled;
    ns.enabled = true;
    ns.disabledAt = undefined;
    ns.reason = undefined;
    ns.failedTransports = [];
    // A re-enabled node starts again from its best transport.
    ns.upgradeRetryAt = undefined;
    ns.upgradeBackoffMs = undefined;
    for (const rec of Object.values(ns.transports)) if (rec) rec.lastProbe = undefined;
    return was;
  });
  deps.events.emit({ type: 'NODE_REENABLED', time: new Date(deps.clock()).toISOString(), node: node.name, wasDisabled });
  return {
    node: node.name,
    changed: wasDisabled,
    message: wasDisabled ? `${node.name} re-enabled for sync` : `${node.name} was not disabled; nothing to re-enable`,
  };
}

export async function resetNode(deps: RecoveryDeps, node: NodeSpec): Promise<RecoveryOutcome> {
  const cleared = await deps.store.update((state) => {
    const ns = nodeState(state, node.name);
    let count = 0;
    for (const rec of Object.values(ns.transports)) {
      if (!rec) continue;
      count += rec.consecutiveFailures + rec.failureTimes.length;
      rec.consecutiveFailures = 0;
      rec.failureTimes = [];
      rec.lastError = undefined;
      rec.lastProbe = undefined;
    }
    ns.upgradeRetryAt = undefined;
    ns.upgradeBackoffMs = undefined;
    return count;
  });
  deps.events.emit({ type: 'TRANSPORT_FAILURES_RESET', time: new Date(deps.clock()).toISOString(), node: node.name });
  return { node: node.name, changed: cleared > 0, message: `${node.name}: transport failure counters reset` };
}

/** Sets (or with `none`, clears) the transport a node's syncs try first. It must be in the node's chain. */
export async function preferTransport(deps: RecoveryDeps, node: NodeSpec, name: string): Promise<Result<RecoveryOutcome, 'unknown_transport' | 'not_in_chain'>> {
  let transport: TransportKind | undefined;
  if (name !== 'none') {
    transport = parseTransportName(name);
    if (!transport) return fail('unknown_transport', `'${name}' is not a transport (p2p, http, rsync, ssh, base64, or none to clear)`);
    if (!node.transports.includes(transport)) {
      return fail('not_in_chain', `${node.name} has no ${transport} transport (its chain: ${node.transports.join(' -> ') || 'empty'})`);
    }
  }
  await deps.store.update((state) => {
    nodeState(state, node.name).preferredTransport = transport;
  });
  deps.events.emit({ type: 'PREFERRED_TRANSPORT_SET', time: new Date(deps.clock()).toISOString(), node: node.name, transport: transport ?? 'none' });
  return ok({
    node: node.name,
    changed: true,
    message: transport ? `${node.name}: syncs try ${transport} first` : `${node.name}: preferred transport cleared`,
  });
}
