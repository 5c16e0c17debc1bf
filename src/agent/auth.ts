import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Where a request stands with the agent's token: `open` when the agent has none, else whether the
 * request brought the right one. /health reports it, so a client learns about a wrong token from
 * the one request that answers without a token.
 */
export type AuthState = 'open' | 'accepted' | 'missing' | 'rejected';

/**
 * The token a request presents, read as the RingRift orchestrator reads it
 * (p2p_orchestrator.py _is_request_authorized): `Authorization: Bearer T`, else `X-RingRift-Auth: T`.
 */
function presentedToken(headers: IncomingHttpHeaders): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1].trim();
  if (bearer) return bearer;
  const raw = headers['x-ringrift-auth'];
  const alt = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  return alt ? alt : undefined;
}

/**
 * Token check in constant time: both sides are hashed first so the comparison never depends on,
 * or leaks, the token's length.
 */
export function authState(expected: string | undefined, headers: IncomingHttpHeaders): AuthState {
  if (expected === undefined) return 'open';
  const given = presentedToken(headers);
  if (given === undefined) return 'missing';
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) ? 'accepted' : 'rejected';
}

export const authorized = (state: AuthState): boolean => state === 'open' || state === 'accepted';
