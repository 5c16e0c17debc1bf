import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { describeError, fail, ok, type Result } from '../result';
import { hostFieldMatches, knownHostName, parseKnownHosts, type KnownHostEntry } from './knownHostsParse';

export { knownHostName } from './knownHostsParse';

/**
 * What known_hosts says about the key a host presented. `unreadable` (the file exists but cannot be
 * read) is kept apart from `unknown` so a permissions problem is never mistaken for a new host.
 */
export type HostKeyCheck =
  | { status: 'match'; line: number }
  | { status: 'unknown' }
  | { status: 'changed'; file: string; line: number; knownFingerprint: string }
  | { status: 'revoked'; file: string; line: number }
  | { status: 'unreadable'; file: string; message: string };

/** `SHA256:<base64 without padding>` of a public key blob, exactly as `ssh-keygen -lf` prints it. */
export function fingerprintOf(key: string | Buffer): string {
  const blob = typeof key === 'string' ? Buffer.from(key, 'base64') : key;
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

async function readEntries(file: string): Promise<Result<KnownHostEntry[], 'unreadable'>> {
  try {
    return ok(parseKnownHosts(await fs.readFile(file, 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return ok([]);
    return fail('unreadable', `cannot read known_hosts ${file}: ${describeError(err)}`);
  }
}

/** Lines of `file` that name this host and port (markers included). */
async function entriesForHost(file: string, host: string, port: number): Promise<Result<KnownHostEntry[], 'unreadable'>> {
  const all = await readEntries(file);
  if (!all.ok) return all;
  const name = knownHostName(host, port);
  return ok(all.value.filter((e) => hostFieldMatches(e.hosts, name)));
}

/**
 * Checks the key a host presented. Order as in OpenSSH: a revoked key refuses whatever else the file
 * says; a line with this very key is a match; a line with another key of the same type means the
 * key changed; otherwise the host is unknown. `@cert-authority` lines say nothing about plain keys.
 */
export async function checkHostKey(file: string, host: string, port: number, keyType: string, keyBase64: string): Promise<HostKeyCheck> {
  const found = await entriesForHost(file, host, port);
  if (!found.ok) return { status: 'unreadable', file, message: found.message };
  const entries = found.value.filter((e) => e.marker !== 'cert-authority');
  const revoked = entries.find((e) => e.marker === 'revoked' && e.keyBase64 === keyBase64);
  if (revoked) return { status: 'revoked', file, line: revoked.line };
  const plain = entries.filter((e) => e.marker === undefined && e.keyType === keyType);
  const same = plain.find((e) => e.keyBase64 === keyBase64);
  if (same) return { status: 'match', line: same.line };
  if (plain.length > 0) {
    return { status: 'changed', file, line: plain[0].line, knownFingerprint: fingerprintOf(plain[0].keyBase64) };
  }
  return { status: 'unknown' };
}

/** Key types known_hosts holds for this host, in file order (to ask the server for those first). */
export async function knownKeyTypes(file: string, host: string, port: number): Promise<string[]> {
  const found = await entriesForHost(file, host, port);
  if (!found.ok) return [];
  const types = found.value.filter((e) => e.marker === undefined).map((e) => e.keyType);
  return [...new Set(types)];
}

/** Appends a plain entry (`host` or `[host]:port`), creating the directory (0700) and file (0600). */
export async function appendKnownHost(
  file: string,
  host: string,
  port: number,
  keyType: string,
  keyBase64: string,
): Promise<Result<void, 'unwritable'>> {
  try {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    let prefix = '';
    try {
      const current = await fs.readFile(file, 'utf8');
      if (current.length > 0 && !current.endsWith('\n')) prefix = '\n';
    } catch {
      /* new file */
    }
    await fs.appendFile(file, `${prefix}${knownHostName(host, port)} ${keyType} ${keyBase64}\n`, { mode: 0o600 });
    return ok(undefined);
  } catch (err) {
    return fail('unwritable', `cannot add the host key of ${knownHostName(host, port)} to ${file}: ${describeError(err)}`);
  }
}

/**
 * Removes one line (1-based) of a known_hosts file, as `ssh-keygen -R` would for a changed key.
 * Written to a temporary file beside it and renamed, so a crash never leaves half a file.
 */
export async function removeKnownHostLine(file: string, line: number): Promise<Result<void, 'unreadable' | 'no_such_line' | 'unwritable'>> {
  let text: string;
  let mode = 0o600;
  try {
    text = await fs.readFile(file, 'utf8');
    mode = (await fs.stat(file)).mode & 0o777;
  } catch (err) {
    return fail('unreadable', `cannot read known_hosts ${file}: ${describeError(err)}`);
  }
  const lines = text.split('\n');
  const lineCount = text.endsWith('\n') ? lines.length - 1 : lines.length;
  if (!Number.isInteger(line) || line < 1 || line > lineCount) {
    return fail('no_such_line', `${file} has no line ${line} (it has ${lineCount})`);
  }
  lines.splice(line - 1, 1);
  const tmp = `${file}.ringrift-${process.pid}-${Date.now()}.tmp`;
  try {
    await fs.writeFile(tmp, lines.join('\n'), { mode });
    await fs.rename(tmp, file);
    return ok(undefined);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    return fail('unwritable', `cannot rewrite known_hosts ${file}: ${describeError(err)}`);
  }
}
