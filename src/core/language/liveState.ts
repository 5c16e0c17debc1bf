import type { NodeState } from '../router/routerState';

/**
 * What the editor shows about a node's live state (after its name, and on hover). The extension
 * knows the router state; the language features only look a node up by name through
 * `LiveStateLookup`, and show nothing when there is none.
 */
export interface NodeLiveState {
  /** False: disabled for sync (`reason` says why). */
  enabled: boolean;
  reason?: string;
  /** The transport last seen working (or tried), its last result and latency. */
  transport?: string;
  ok?: boolean;
  latencyMs?: number;
  error?: string;
  /** ISO time of what the state says. */
  at?: string;
}

export type LiveStateLookup = (hostName: string) => NodeLiveState | undefined;

export const NO_LIVE_STATE: LiveStateLookup = () => undefined;

function clip(s: string, max: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** One short line: `p2p ok 12 ms`, `rsync failed: timeout`, `disabled: all_transports_exhausted`. */
export function liveStateLabel(state: NodeLiveState): string {
  if (!state.enabled) return `disabled: ${state.reason ?? 'no reason recorded'}`;
  if (!state.transport) return 'not tested yet';
  if (state.ok === false) return `${state.transport} failed${state.error ? `: ${clip(state.error, 60)}` : ''}`;
  const latency = state.latencyMs !== undefined ? ` ${Math.round(state.latencyMs)} ms` : '';
  return `${state.transport} ok${latency}`;
}

/** Markdown lines for a hover. */
export function liveStateMarkdown(state: NodeLiveState): string {
  const lines = [`Live state: **${liveStateLabel(state)}**`];
  if (state.ok === false && state.error && state.error.length > 60) lines.push('', `Last error: ${clip(state.error, 300)}`);
  if (state.at) lines.push('', `As of ${state.at}`);
  return lines.join('\n');
}

/** From the router's persisted node state (core/router): what the editor shows. */
export function liveStateFromRouter(ns: NodeState): NodeLiveState {
  if (!ns.enabled) return { enabled: false, reason: ns.reason, at: ns.disabledAt };
  // The freshest probe says most; else the last transport that worked.
  let best: NodeLiveState | undefined;
  let bestTime = -Infinity;
  for (const [transport, rec] of Object.entries(ns.transports)) {
    const probe = rec?.lastProbe;
    if (probe && probe.time > bestTime) {
      bestTime = probe.time;
      best = { enabled: true, transport, ok: probe.success, latencyMs: probe.latencyMs, error: probe.success ? undefined : probe.message, at: new Date(probe.time).toISOString() };
    }
  }
  if (best) return best;
  if (ns.lastWorkingTransport) return { enabled: true, transport: ns.lastWorkingTransport, ok: true, at: ns.lastSuccessAt };
  return { enabled: true };
}
