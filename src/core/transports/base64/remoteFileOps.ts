import * as path from 'node:path';
import { shellQuote, shellQuoteRemotePath } from '../remotePath';

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

/** `openssl dgst -sha256` first where it works: several times faster than coreutils sha256sum (no SHA-NI there). */
export type ShaTool = 'openssl' | 'sha256sum' | 'shasum';
const ABC_SHA256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
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

/** Prints `sha=openssl|sha256sum|shasum`: the node's fastest working sha256 tool (read by parsePrepareOutput). */
export const SHA_TOOL_DETECTION =
  `if [ "$(printf abc | openssl dgst -sha256 -r 2>/dev/null | cut -d ' ' -f 1)" = ${ABC_SHA256} ]; then echo sha=openssl;` +
  ` elif command -v sha256sum >/dev/null 2>&1; then echo sha=sha256sum; elif command -v shasum >/dev/null 2>&1; then echo sha=shasum; fi`;

/** Prints `base64=present` and `decode=-d|-D`: whether and how the node's base64 decodes. */
export const BASE64_DETECTION =
  `if command -v base64 >/dev/null 2>&1; then echo base64=present;` +
  ` if [ "$(printf QUJD | base64 -d 2>/dev/null)" = ABC ]; then echo decode=-d;` +
  ` elif [ "$(printf QUJD | base64 -D 2>/dev/null)" = ABC ]; then echo decode=-D; fi; fi`;

/** The line the prepare part prints last, before it waits for the gate. */
export const PREPARED_MARK = 'prepared';

/**
 * The first exec of a push: create the directory, report partial size, tools and free space, print
 * `prepared`, then wait for the gate (appendChunkCommand) and append. One login-shell start for
 * both; a refusal (disk full, tool missing) just never sends the gate, so nothing is written.
 */
export function prepareCommand(p: RemoteFilePaths): string {
  const D = shellQuoteRemotePath(p.dir);
  const P = shellQuoteRemotePath(p.partial);
  const T = shellQuoteRemotePath(p.target);
  return inSh(
    [
      `if ! m=$(mkdir -p ${D} 2>&1); then echo "mkdir-error=$m"; exit 0; fi`,
      `if [ -f ${P} ]; then echo "partial=$(wc -c < ${P})"; fi`,
      `if [ -d ${T} ]; then echo target-is-dir; fi`,
      SHA_TOOL_DETECTION,
      BASE64_DETECTION,
      `echo "df=$(df -Pk ${D} 2>/dev/null | tail -n 1)"`,
      `echo ${PREPARED_MARK}`,
      ...gatedAppend(P),
    ].join('\n'),
  );
}

/** Prints `partial=N` (0 without one), read back with parsePrepareOutput: what a cut push left. */
export function partialSizeCommand(p: RemoteFilePaths): string {
  const P = shellQuoteRemotePath(p.partial);
  return inSh(`if [ -f ${P} ]; then echo "partial=$(wc -c < ${P} | tr -d ' ')"; else echo partial=0; fi`);
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
        if (value === 'openssl' || value === 'sha256sum' || value === 'shasum') report.shaTool = value;
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
      case PREPARED_MARK:
        return report;
    }
  }
  return report;
}

/**
 * How a data exec writes: `append` to the partial; `restart` drops it first (it was not a prefix of
 * the file); `whole` writes the whole file in this one exec and hashes it on the way (`tee` into
 * the partial and the sha256 tool), so the finish need not read it all again.
 */
export type AppendMode = 'append' | 'restart' | 'whole';

/** The gate line of a data exec. */
export function gateLine(flag: Base64DecodeFlag, mode: AppendMode, tool: ShaTool): string {
  return `${flag} ${mode} ${tool}\n`;
}

/**
 * Waits for the gate line, then writes decoded stdin to the partial. Nothing is touched before the
 * line comes, so the command can be opened ahead of time (while prepare runs, or while the previous
 * chunk streams); without it (the channel closed) it exits 3 and writes nothing. `read` takes
 * stdin a byte at a time up to the newline, so base64 gets exactly the rest.
 */
function gatedAppend(P: string): string[] {
  return [
    'read -r flag mode tool || exit 3',
    'case "$flag" in -d|-D) ;; *) exit 3 ;; esac',
    `case "$tool" in openssl) s='openssl dgst -sha256 -r' ;; sha256sum) s=sha256sum ;; shasum) s='shasum -a 256' ;; *) exit 3 ;; esac`,
    'case "$mode" in',
    `  append) exec base64 "$flag" >> ${P} ;;`,
    `  restart) rm -f ${P}; exec base64 "$flag" >> ${P} ;;`,
    `  whole) rm -f ${P}; h=$(base64 "$flag" | tee ${P} | $s | cut -d ' ' -f 1); echo "whole-sha=$h"; echo "whole-size=$(wc -c < ${P})" ;;`,
    '  *) exit 3 ;;',
    'esac',
  ];
}

/** A later chunk: gated append only. */
export function appendChunkCommand(p: RemoteFilePaths): string {
  return inSh(gatedAppend(shellQuoteRemotePath(p.partial)).join('\n'));
}

/** What a `whole` data exec measured on the node: sha256 of what it wrote, and the partial's size. */
export function parseWholeOutput(stdout: string): { sha256: string; size: number } | undefined {
  const sha = /^whole-sha=([0-9a-f]{64})$/m.exec(stdout)?.[1];
  const size = Number(/^whole-size=\s*(\d+)\s*$/m.exec(stdout)?.[1]);
  return sha && Number.isInteger(size) ? { sha256: sha, size } : undefined;
}

export function shaCommand(tool: ShaTool): string {
  return { openssl: 'openssl dgst -sha256 -r', sha256sum: 'sha256sum', shasum: 'shasum -a 256' }[tool];
}

/**
 * Renames the partial over the target only when its sha256 equals the expected one; a mismatch
 * drops the partial. Gated: the first stdin line is `<sha256> check` (hash the partial now) or
 * `<sha256> verified <size>` (a `whole` exec already hashed exactly what it wrote and we compared:
 * only the size is checked). Prints `ok`, `mismatch <hash>` or `target-is-dir`.
 */
export function finishCommand(p: RemoteFilePaths, tool: ShaTool): string {
  const P = shellQuoteRemotePath(p.partial);
  const T = shellQuoteRemotePath(p.target);
  return inSh(
    [
      'read -r want mode size || exit 3',
      `case "$want" in *[!0-9a-f]*|'') exit 3 ;; esac`,
      `case "$mode" in check) ;; verified) case "$size" in *[!0-9]*|'') exit 3 ;; esac ;; *) exit 3 ;; esac`,
      `if [ -d ${T} ]; then echo target-is-dir; exit 0; fi`,
      `if [ ! -f ${P} ]; then : > ${P}; fi`,
      `if [ "$mode" = check ]; then h=$(${shaCommand(tool)} < ${P} | cut -d ' ' -f 1);`,
      ` elif [ $(( $(wc -c < ${P}) )) -eq "$size" ]; then h=$want; else h=size-differs; fi`,
      `if [ "$h" = "$want" ]; then mv -f ${P} ${T} && echo ok; else rm -f ${P}; echo "mismatch $h"; fi`,
    ].join('\n'),
  );
}

/** The finish's gate line. */
export function finishLine(sha256: string, verifiedSize?: number): string {
  return verifiedSize === undefined ? `${sha256} check\n` : `${sha256} verified ${verifiedSize}\n`;
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
    'if command -v sha256sum >/dev/null 2>&1; then echo sha=sha256sum; elif command -v shasum >/dev/null 2>&1; then echo sha=shasum; ' +
    'elif command -v openssl >/dev/null 2>&1; then echo sha=openssl; fi',
);
