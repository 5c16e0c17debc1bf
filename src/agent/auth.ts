import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Bearer-token check in constant time: both sides are hashed first so the comparison never
 * depends on, or leaks, the token's length.
 */
export function tokenAccepted(expected: string | undefined, authorization: string | undefined): boolean {
  if (expected === undefined) return true;
  const m = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  const given = createHash('sha256').update(m ? m[1].trim() : '').digest();
  const wanted = createHash('sha256').update(expected).digest();
  return timingSafeEqual(given, wanted) && m !== null;
}
