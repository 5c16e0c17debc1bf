import * as http from 'node:http';
import { withDeadline } from '../deadline';
import type { PathMtuEvidence } from './evidence';

/**
 * A path-MTU black hole: somewhere on the path a link has a smaller MTU (a tunnel, a VPN, PPPoE)
 * and the ICMP "fragmentation needed" that should tell senders so is filtered. Small packets pass:
 * TCP connects, GET /health answers, the SSH banner arrives. The first full-size segment never
 * does, so pushes stall at 0 bytes and OpenSSH logins hang in key exchange.
 *
 * Asked the cheapest way that shows it, without writing anything: the agent's GET /health again,
 * padded with headers to several full-size segments, bounded by a few seconds. The real
 * orchestrator (aiohttp) takes header lines up to 8190 bytes; the padding stays under that.
 */

const PAD_HEADERS = 4;
const PAD_BYTES_EACH = 1900;
const PATH_MTU_TIMEOUT_MS = 3000;

export async function pathMtuEvidence(host: string, port: number, signal: AbortSignal, timeoutMs = PATH_MTU_TIMEOUT_MS): Promise<PathMtuEvidence> {
  const headers: Record<string, string> = {};
  for (let i = 1; i <= PAD_HEADERS; i++) headers[`X-Ringrift-Doctor-Pad-${i}`] = 'p'.repeat(PAD_BYTES_EACH);
  const paddedBytes = PAD_HEADERS * PAD_BYTES_EACH;
  const t0 = performance.now();
  const done = (outcome: PathMtuEvidence['outcome'], detail: string): PathMtuEvidence =>
    ({ host, port, paddedBytes, outcome, ms: Math.round(performance.now() - t0), detail });
  return withDeadline(signal, timeoutMs, (bounded) => new Promise<PathMtuEvidence>((resolve) => {
    const req = http.get({ host, port, path: '/health', headers, signal: bounded }, (res) => {
      res.resume();
      resolve(done('answered', `GET /health with ${paddedBytes} bytes of headers: HTTP ${res.statusCode}`));
    });
    req.on('error', (err: Error & { code?: string }) => {
      const timedOut = err.name === 'AbortError' || err.name === 'TimeoutError' || err.code === 'ABORT_ERR';
      resolve(timedOut && !signal.aborted
        ? done('no_answer', `GET /health with ${paddedBytes} bytes of headers: no answer within ${timeoutMs} ms`)
        : done('error', `GET /health with ${paddedBytes} bytes of headers: ${err.message}`));
    });
  }));
}
