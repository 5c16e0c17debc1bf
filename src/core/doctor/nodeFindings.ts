import type { Finding } from './classify';
import { formatBytes } from './commands';
import type { NodeEvidence, ProbeEvidence } from './evidence';
import { firstWorking, probeObservation } from './facts';
import type { Observation } from './report';

/**
 * Causes that are not one probe's failure: too little disk (stops every transport), a transport
 * that answers probes but whose last real push stalled, and a node still disabled although a
 * transport works again.
 */

export function diskFinding(ev: NodeEvidence): Finding | undefined {
  const d = ev.disk;
  if (!d || d.freeBytes === undefined) return undefined;
  const need = ev.neededBytes ?? ev.minFreeBytes;
  if (d.freeBytes >= need) return undefined;
  const from = d.source === 'agent' ? "the agent's /status" : 'df -Pk over SSH';
  const at = d.path ? ` at ${d.path}` : '';
  const why = ev.neededBytes !== undefined
    ? `the push needs ${formatBytes(ev.neededBytes)}`
    : `below the ${formatBytes(ev.minFreeBytes)} a node needs to take pushes (give --path for the exact size)`;
  const detail = `${formatBytes(d.freeBytes)} free of ${d.totalBytes !== undefined ? formatBytes(d.totalBytes) : '?'}${at}`;
  return {
    transport: 'all',
    cause: 'disk_full',
    summary: `${ev.target.node} has ${formatBytes(d.freeBytes)} free${at}; ${why}`,
    tried: [{ check: d.source === 'agent' ? 'agent /status' : 'df -Pk (ssh)', result: 'low', detail: `${from}: ${detail}` }],
    couldAlsoBe: [],
  };
}

/** A push failure message that says the transfer stopped moving (agent, rsync and base64 words). */
const STALL = /\bstall|no progress for|no data for/i;

export function stallFinding(ev: NodeEvidence, p: ProbeEvidence): Finding | undefined {
  const pushes = (ev.history?.recent ?? []).filter((h) => h.kind === 'sync' && h.transport === p.transport && h.result !== 'skipped');
  const last = pushes.at(-1);
  if (!last || last.result !== 'failed' || !STALL.test(last.error ?? '')) return undefined;
  const tried: Observation[] = [
    probeObservation(p),
    { check: `last ${p.transport} push (${last.time})`, result: 'stalled', latencyMs: last.durationMs, detail: last.error ?? '' },
  ];
  return {
    transport: p.transport,
    cause: 'transfer_timeout',
    summary: `${p.transport} connects (probe ok in ${p.latencyMs} ms) but its last push stopped moving: ${last.error}`,
    tried,
    couldAlsoBe: ['a congested or lossy path (DERP relay, saturated uplink)', 'the node was overloaded during that push'],
  };
}

export function disabledFinding(ev: NodeEvidence): Finding | undefined {
  const h = ev.history;
  const working = firstWorking(ev);
  if (!h || h.enabled || !working) return undefined;
  return {
    transport: 'all',
    cause: 'node_disabled',
    summary: `${ev.target.node} is disabled for sync (${h.reason ?? 'no reason recorded'}, since ${h.disabledAt ?? '?'}) but ${working} works now`,
    tried: [{ check: 'router state', result: 'disabled', detail: `disabled at ${h.disabledAt ?? '?'}: ${h.reason ?? ''}` }, ...ev.probes.filter((x) => x.success).map(probeObservation)],
    couldAlsoBe: [],
  };
}
