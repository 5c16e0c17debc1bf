import type { Finding } from './classify';
import type { NodeEvidence, PathMtuEvidence } from './evidence';
import { hostPort } from './facts';
import type { Observation } from './report';

/**
 * A path-MTU black hole, once the padded GET /health proved it (pathMtuCheck.ts): it explains a
 * push that stalled at its first full-size packets and an SSH login that hangs after the banner
 * (key exchange sends full-size packets). Those findings become mtu_blackhole; with neither in the
 * evidence, the node gets one finding of its own, since its next large push will stall.
 */

function mtuObservation(m: PathMtuEvidence): Observation {
  return { check: `padded GET /health ${hostPort(m.host, m.port)}`, result: m.outcome, latencyMs: m.ms, detail: m.detail };
}

const explains = (f: Finding) => f.cause === 'transfer_timeout' || (f.cause === 'service_unresponsive' && f.hung === 'login');

export function withMtuBlackhole(ev: NodeEvidence, found: Finding[]): Finding[] {
  const m = ev.pathMtu;
  if (m?.outcome !== 'no_answer') return found;
  const proof = `GET /health answers, but the same request padded to ${m.paddedBytes} bytes got no answer in ${m.ms} ms: full-size packets vanish on the path to ${hostPort(m.host, m.port)}`;
  const also = ['a middlebox on the path drops large packets (not only an MTU)'];
  const mapped = found.map((f): Finding => explains(f)
    ? { ...f, cause: 'mtu_blackhole', summary: `${f.summary}; ${proof}`, tried: [...f.tried, mtuObservation(m)], couldAlsoBe: [...also, ...f.couldAlsoBe] }
    : f);
  if (mapped.some((f) => f.cause === 'mtu_blackhole')) return mapped;
  return [...mapped, { transport: 'all', cause: 'mtu_blackhole', summary: `${proof}: every large push to ${ev.target.node} will stall`, tried: [mtuObservation(m)], couldAlsoBe: also }];
}
