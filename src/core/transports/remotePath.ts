import * as path from 'node:path';
import { fail, ok, type Result } from '../result';

/**
 * DESIGN.md "Remote paths": a relative remote path names the same place on every transport
 * (under `ringrift_path` over SSH, under the agent's root over HTTP). An absolute path is allowed
 * over SSH only. A path that climbs out of the base is refused everywhere.
 */
export type RemotePathError = 'empty_path' | 'path_escapes_base' | 'absolute_path_over_http' | 'no_remote_base';

/** Normalises a relative remote path to forward-slash segments; refuses `..` that leaves the base. */
export function normaliseRelative(remotePath: string): Result<string, RemotePathError> {
  const trimmed = remotePath.replace(/\\/g, '/');
  if (trimmed === '' || trimmed === '.') return fail('empty_path', 'remote path is empty');
  const parts: string[] = [];
  for (const seg of trimmed.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      return fail('path_escapes_base', `remote path '${remotePath}' contains '..': it would leave the node's base directory; refused`);
    }
    parts.push(seg);
  }
  if (parts.length === 0) return fail('empty_path', `remote path '${remotePath}' names no file`);
  return ok(parts.join('/'));
}

/** The path to use over HTTP (relative to the agent root). */
export function httpRemotePath(remotePath: string): Result<string, RemotePathError> {
  if (remotePath.startsWith('/') || remotePath.startsWith('~')) {
    return fail(
      'absolute_path_over_http',
      `remote path '${remotePath}' is absolute: the p2p/http agent only takes paths relative to its root; use a relative path or an SSH transport`,
    );
  }
  return normaliseRelative(remotePath);
}

/**
 * The path to use over SSH. Absolute paths pass (with `..` still refused); relative ones go under
 * `base` (the node's `ringrift_path`, which may start with `~`: the caller's remote shell expands
 * it, see `shellQuoteRemotePath`). Without a base, a relative path is relative to the login dir.
 */
export function sshRemotePath(remotePath: string, base: string | undefined): Result<string, RemotePathError> {
  if (remotePath.startsWith('/')) {
    const rel = normaliseRelative(remotePath.slice(1));
    return rel.ok ? ok('/' + rel.value) : rel;
  }
  const rel = normaliseRelative(remotePath);
  if (!rel.ok) return rel;
  if (!base) return rel;
  return ok(path.posix.join(base, rel.value));
}

/** Single-quotes a string for a POSIX shell: nothing inside is ever expanded or executed. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Quotes a remote path for the node's shell, keeping a leading `~/` working: `~` expands only
 * unquoted, so it becomes `"$HOME"/'rest'` (HOME is set by sshd on Linux and macOS).
 */
export function shellQuoteRemotePath(p: string): string {
  if (p === '~') return '"$HOME"';
  if (p.startsWith('~/')) return `"$HOME"/${shellQuote(p.slice(2))}`;
  return shellQuote(p);
}
