import { createHmac } from 'node:crypto';
import { DEFAULT_SSH_PORT } from '../hosts/defaults';

/**
 * known_hosts lines as OpenSSH reads them (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): an optional
 * marker, comma-separated host patterns (plain, `[host]:port`, `!negated`, `*`/`?` wildcards) or one
 * hashed `|1|salt|hmac` name, the key type and the base64 key. Line numbers are kept (1-based) so a
 * message can say which line to remove.
 */
export interface KnownHostEntry {
  line: number;
  marker: 'revoked' | 'cert-authority' | undefined;
  /** Raw host field: a comma list of patterns, or one hashed name. */
  hosts: string;
  keyType: string;
  keyBase64: string;
}

/** Parses known_hosts text; comments, blank and malformed lines are skipped (as OpenSSH does). */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const trimmed = lines[i].trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const fields = trimmed.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      const m = fields.shift()!.slice(1);
      if (m !== 'revoked' && m !== 'cert-authority') continue; // unknown marker: OpenSSH ignores the line
      marker = m;
    }
    if (fields.length < 3) continue;
    const [hosts, keyType, keyBase64] = fields;
    entries.push({ line: i + 1, marker, hosts, keyType, keyBase64 });
  }
  return entries;
}

/** The name OpenSSH looks up: `host` on its default port (22), `[host]:port` elsewhere. */
export function knownHostName(host: string, port: number): string {
  return port === DEFAULT_SSH_PORT ? host : `[${host}]:${port}`;
}

/** Glob match with `*` and `?`, case-insensitive (OpenSSH match_pattern). */
function wildcardMatch(text: string, pattern: string): boolean {
  const t = text.toLowerCase();
  const p = pattern.toLowerCase();
  // Iterative glob with single backtrack point: linear enough for host names.
  let ti = 0;
  let pi = 0;
  let star = -1;
  let mark = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === t[ti])) {
      ti++;
      pi++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      mark = ti;
    } else if (star !== -1) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

function hashedNameMatches(field: string, name: string): boolean {
  const parts = field.split('|'); // ['', '1', salt, hash]
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2], 'base64');
  const expected = createHmac('sha1', salt).update(name).digest('base64');
  return expected === parts[3];
}

/**
 * Whether a line's host field names `name` (already in `knownHostName` form). A matching
 * `!pattern` excludes the line whatever else matches, as in OpenSSH match_hostname.
 */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|')) return hashedNameMatches(field, name);
  let positive = false;
  for (const pattern of field.split(',')) {
    if (pattern === '') continue;
    if (pattern.startsWith('!')) {
      if (wildcardMatch(name, pattern.slice(1))) return false;
    } else if (wildcardMatch(name, pattern)) {
      positive = true;
    }
  }
  return positive;
}
