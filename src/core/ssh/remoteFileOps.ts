import * as path from 'node:path';
import { shellQuote, shellQuoteRemotePath } from '../transports/remotePath';

/**
 * Remote shell commands for pushing one file over SSH exec (the base64 transport), and parsing of
 * their output. Every command runs under `sh -c` so it means the same whatever the login shell
 * (bash, zsh on macOS, fish); every path goes through shellQuoteRemotePath; only POSIX tools and
 * flags that Linux and macOS share are used (`sha256sum` vs `shasum -a 256`, `base64 -d` vs `-D`
 * are detected on the node).
 */

export interface RemoteFilePaths {
  target: string;
  /** `.<name>.ringrift-partial` beside the target: renamed into place only after the sha256 matches. */
  partial: string;
  dir: string;
}

/** Paths for a target as sshRemotePath resolved it. A relative path gets `./` so no name is read as an option. */
export function remoteFilePaths(resolved: string): RemoteFilePaths {
  const safe = resolved.startsWith('/') || resolved.startsWith('~') ? resolved : `./${resolved}`;
  const dir = path.posix.dirname(safe);
  const partial = `${dir === '/' ? '' : dir}/.${path.posix.basename(safe)}.ringrift-partial`;
  return { target: safe, partial, dir };
}

/** Wraps a script for the node: `sh -c '<script>'`. */
export function inSh(script: string): string {
  return `sh -c ${shellQuote(script)}`;
}

export type ShaTool = 'sha256sum' | 'shasum';
export type Base64DecodeFlag = '-d' | '-D';

export interface PrepareReport {
  /** Size of the partial file, or undefined when there is none. */
  partialSize: number | undefined;
  /** The target exists and is a directory (the push must refuse: mv would move into it). */
  targetIsDir: boolean;
  shaTool: ShaTool | undefined;
  /** How this node's base64 decodes; undefined when base64 is missing or broken. */
  decodeFlag: Base64DecodeFlag | undefined;
  base64Present: boolean;
  /** Free bytes in the target's directory (df -Pk), undefined when df gave nothing usable. */
  freeBytes: number | undefined;
  /** mkdir -p failed: its message. */
  mkdirError: string | undefined;
}

/** One round trip: create the directory, then report partial size, tools and free space. */
export function prepareCommand(p: RemoteFilePaths): string {
  const D = shellQuoteRemotePath(p.dir);
  const P = shellQuoteRemotePath(p.partial);
  const T = shellQuoteRemotePath(p.target);
  return inSh(
    [
      `if ! m=$(mkdir -p ${D} 2>&1); then echo "mkdir-error=$m"; exit 0; fi`,
      `if [ -f ${P} ]; then echo "partial=$(wc -c < ${P})"; fi`,
      `if [ -d ${T} ]; then echo target-is-dir; fi`,
      `if command -v sha256sum >/dev/null 2>&1; then echo sha=sha256sum; elif command -v shasum >/dev/null 2>&1; then echo sha=shasum; fi`,
      `if command -v base64 >/dev/null 2>&1; then echo base64=present;` +
        ` if [ "$(printf QUJD | base64 -d 2>/dev/null)" = ABC ]; then echo decode=-d;` +
        ` elif [ "$(printf QUJD | base64 -D 2>/dev/null)" = ABC ]; then echo decode=-D; fi; fi`,
      `echo "df=$(df -Pk ${D} 2>/dev/null | tail -n 1)"`,
    ].join('\n'),
  );
}

/** The `Available` column of a `df -Pk` data line (the field before `NN%`), in bytes. */
export function parseDfLine(line: string): number | undefined {
  const fields = line.trim().split(/\s+/);
  const cap = fields.findIndex((f, i) => i >= 4 && /^\d+%$/.test(f));
  if (cap < 1) return undefined;
  const kb = Number(fields[cap - 1]);
  return Number.isFinite(kb) ? kb * 1024 : undefined;
}

export function parsePrepareOutput(stdout: string): PrepareReport {
  const report: PrepareReport = {
    partialSize: undefined, targetIsDir: false, shaTool: undefined, decodeFlag: undefined,
    base64Present: false, freeBytes: undefined, mkdirError: undefined,
  };
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    const key = eq >= 0 ? line.slice(0, eq) : line.trim();
    const value = eq >= 0 ? line.slice(eq + 1) : '';
    switch (key) {
      case 'mkdir-error':
        report.mkdirError = value.trim() || 'mkdir failed';
        break;
      case 'partial': {
        const n = Number(value.trim());
        if (Number.isInteger(n) && n >= 0) report.partialSize = n;
        break;
      }
      case 'target-is-dir':
        report.targetIsDir = true;
        break;
      case 'sha':
        if (value === 'sha256sum' || value === 'shasum') report.shaTool = value;
        break;
      case 'base64':
        report.base64Present = true;
        break;
      case 'decode':
        if (value === '-d' || value === '-D') report.decodeFlag = value;
        break;
      case 'df':
        report.freeBytes = parseDfLine(value);
        break;
    }
  }
  return report;
}

/**
 * Appends decoded stdin to the partial file. Gated: the command first reads one line, the decode
 * flag (`-d` or `-D`), and touches nothing until it comes, so it can be opened ahead of time (while
 * prepare runs, or while the previous chunk streams). No line (the channel closed): exit 3, no write.
 * `read` takes stdin a byte at a time up to the newline, so base64 gets exactly the rest.
 */
export function appendChunkCommand(p: RemoteFilePaths): string {
  return inSh(
    [
      'IFS= read -r flag || exit 3',
      `case "$flag" in -d|-D) exec base64 "$flag" >> ${shellQuoteRemotePath(p.partial)} ;; *) exit 3 ;; esac`,
    ].join('\n'),
  );
}

/** Drops the partial (a partial longer than the file cannot be a prefix of it). */
export function removePartialCommand(p: RemoteFilePaths): string {
  return inSh(`rm -f ${shellQuoteRemotePath(p.partial)}`);
}

function shaCommand(tool: ShaTool): string {
  return tool === 'sha256sum' ? 'sha256sum' : 'shasum -a 256';
}

/**
 * Checks the partial's sha256 on the node and, only when it equals the expected one, renames it
 * over the target; a mismatch drops the partial. Gated like appendChunkCommand: the expected
 * sha256 (64 hex digits) comes as the first line of stdin. Prints `ok`, `mismatch <hash>` or
 * `target-is-dir`.
 */
export function finishCommand(p: RemoteFilePaths, tool: ShaTool): string {
  const P = shellQuoteRemotePath(p.partial);
  const T = shellQuoteRemotePath(p.target);
  return inSh(
    [
      'IFS= read -r want || exit 3',
      `case "$want" in *[!0-9a-f]*|'') exit 3 ;; esac`,
      `if [ -d ${T} ]; then echo target-is-dir; exit 0; fi`,
      `if [ ! -f ${P} ]; then : > ${P}; fi`,
      `h=$(${shaCommand(tool)} < ${P} | cut -d ' ' -f 1)`,
      `if [ "$h" = "$want" ]; then mv -f ${P} ${T} && echo ok; else rm -f ${P}; echo "mismatch $h"; fi`,
    ].join('\n'),
  );
}

export type FinishOutcome = { kind: 'ok' } | { kind: 'mismatch'; remoteSha: string } | { kind: 'target_is_dir' } | { kind: 'unexpected'; text: string };

export function parseFinishOutput(stdout: string): FinishOutcome {
  const line = stdout.trim().split('\n').pop() ?? '';
  if (line === 'ok') return { kind: 'ok' };
  if (line === 'target-is-dir') return { kind: 'target_is_dir' };
  const m = /^mismatch\s*(\S*)$/.exec(line);
  if (m) return { kind: 'mismatch', remoteSha: m[1] };
  return { kind: 'unexpected', text: stdout.trim() };
}

/** Probe: is the node's shell alive, and does it have what the base64 transport needs? */
export const PROBE_COMMAND = inSh(
  'echo ok; command -v base64 >/dev/null 2>&1 && echo base64=present; ' +
    'if command -v sha256sum >/dev/null 2>&1; then echo sha=sha256sum; elif command -v shasum >/dev/null 2>&1; then echo sha=shasum; fi',
);
