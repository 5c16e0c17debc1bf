import type { Finding } from './classify';
import { formatBytes } from './commands';
import { formatBitRate } from '../units';
import type { NodeEvidence, ProbeEvidence, ThroughputEvidence } from './evidence';
import { firstWorking, probeObservation } from './facts';
import type { Observation } from './report';

/**
 * Causes that are not one probe's failure: too little disk (stops every transport), a transport
 * that answers probes but whose last real push stalled, a node still disabled although a
 * transport works again, and a working transport that a timed push shows slow.
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

/**
 * A measured push below LOSSY_MAX_MBIT over a round trip above LOSSY_MIN_RTT_MS is a slow link.
 * CUBIC over 40 ms with 0.5 % loss settles near 5 Mbit/s whatever the capacity (Mathis: MSS / RTT
 * * 1.22 / sqrt(loss)); 4 MiB measured 4.8-11.2 Mbit/s in the lab, depending on where the first
 * loss falls. A lossless path still in slow start moves 4 MiB at ~90 Mbit/s at 40 ms and ~37 at
 * 100 ms: 20 sits between with margin. The RTT floor keeps a slow LAN node (its disk or CPU, not
 * the path) from being called a bad link.
 */
export const LOSSY_MAX_MBIT = 20;
const LOSSY_MIN_RTT_MS = 20;

function mbitPerS(bytes: number, ms: number): number {
  return (bytes * 8) / (ms * 1000);
}

export function throughputObservation(m: ThroughputEvidence): Observation {
  if (m.bytes <= 0 || m.durationMs <= 0) return { check: `timed ${m.transport} push`, result: 'not measured', detail: m.error ?? '' };
  const mbit = formatBitRate((m.bytes * 1000) / m.durationMs);
  const rate = `${formatBytes(m.bytes)} in ${(m.durationMs / 1000).toFixed(1)} s = ${mbit}`;
  const rtt = m.rttMs !== undefined ? `, RTT ${m.rttMs} ms (TCP connect)` : '';
  return { check: `timed ${m.transport} push`, result: mbit, latencyMs: m.rttMs, detail: `${rate}${rtt}${m.error ? ` (${m.error})` : ''}` };
}

export function lossyFinding(ev: NodeEvidence): Finding | undefined {
  const m = ev.throughput;
  if (!m || m.bytes <= 0 || m.durationMs <= 0 || m.rttMs === undefined) return undefined;
  const mbit = mbitPerS(m.bytes, m.durationMs);
  if (mbit >= LOSSY_MAX_MBIT || m.rttMs <= LOSSY_MIN_RTT_MS) return undefined;
  return {
    transport: m.transport,
    cause: 'lossy_link',
    summary: `${m.transport} syncs, but slowly: ${mbit.toFixed(1)} Mbit/s measured with a ${m.rttMs} ms round trip ` +
      `(below ${LOSSY_MAX_MBIT} Mbit/s over more than ${LOSSY_MIN_RTT_MS} ms): packet loss on a long path holds TCP back`,
    tried: [throughputObservation(m)],
    couldAlsoBe: ['a rate cap or a saturated uplink on the path (then BBR does not help)', `${ev.target.node} is busy (disk or CPU) during the push`],
  };
}
