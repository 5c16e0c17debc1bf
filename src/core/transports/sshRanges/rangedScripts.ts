import type { ByteRange } from '../../byteRanges';
import { shellQuoteRemotePath } from '../remotePath';
import * as ops from '../base64/remoteFileOps';

/**
 * The node's side of a ranged SSH push (several SSH connections, one range each at a time, the
 * next one's command already open), for both dialects (rangeDialect.ts: base64 text decoded on the
 * node, or the bytes themselves): remote commands and the parsing of their output. Same rules as
 * remoteFileOps: `sh -c`, every path through shellQuoteRemotePath, and the other values put in a
 * command are numbers, sha256 hex and the detected tool names only (checked by the callers' types,
 * rangeLine, and the range command itself for the line it reads).
 *
 * On the node, beside the target (names of their own, so neither this and the single-stream
 * partial nor this and our agent's ranged transfer ever read each other's files; both end in
 * `.ringrift-partial`, the suffix a tree sync never lists, sends or deletes):
 *   - `.<name>.ssh-ranged.ringrift-partial`: sparse, at the file's size from the start; each range
 *     is written at its offset by `dd ... seek=N conv=notrunc`.
 *   - `.<name>.ssh-ranges.ringrift-partial`: the sidecar. First line `ringrift-ranges 1 <size> <sha256>`
 *     (the transfer: ranges of another version of the file never count), then `<start> <end>` per
 *     range written and verified. Lines are appended with `>>`: O_APPEND puts each short line,
 *     one write(2) by printf, whole at the end even when ranges finish at once on several
 *     connections (local file systems; NFS does not promise it). A torn line (a crash mid-write)
 *     lacks its newline, or parses as a range off the grid: ignored, the range is sent again.
 *     Durability is the page cache's (no fsync from a shell that works everywhere): a lost power
 *     can keep a line whose bytes did not reach the disk, which the whole file's sha256 catches.
 *
 * Portability: POSIX `dd` with `bs=`, `seek=`, `skip=`, `count=` and `conv=notrunc` only (GNU,
 * BusyBox and macOS/BSD dd all take them; GNU's `oflag=seek_bytes` would not work on macOS). That
 * is why offsets go in whole blocks of DD_BLOCK_BYTES: every range starts on the range grid,
 * whose size is a whole number of MiB (rangeBytesFor), and ends on it or at the end of the file.
 * Without `iflag=fullblock` (GNU only), dd writes each short read from its stdin (the decoder's
 * pipe, or the channel itself) as it came, at the next offset: right, since no conv=sync pads it.
 */

/** dd's block: offsets and counts are in these. */
const DD_BLOCK_BYTES = 1 << 20;
const SIDECAR_VERSION = 1;

export interface RangedFilePaths {
  target: string;
  dir: string;
  partial: string;
  sidecar: string;
  /** The single-stream push's partial: no prefix of anything wanted once the ranged file landed. */
  streamPartial: string;
}

/** Paths for a target as sshRemotePath resolved it (see remoteFilePaths). */
export function rangedFilePaths(resolved: string): RangedFilePaths {
  const p = ops.remoteFilePaths(resolved);
  const stem = p.partial.slice(0, -'.ringrift-partial'.length); // `<dir>/.<name>`
  return { target: p.target, dir: p.dir, streamPartial: p.partial, partial: `${stem}.ssh-ranged.ringrift-partial`, sidecar: `${stem}.ssh-ranges.ringrift-partial` };
}

/** Which file a ranged partial holds ranges of. */
export interface RangedIdentity {
  size: number;
  sha256: string;
}

const identityLine = (id: RangedIdentity) => `ringrift-ranges ${SIDECAR_VERSION} ${id.size} ${id.sha256}`;
const q = shellQuoteRemotePath;

/**
 * What a ranged push does with a file already at the target when nothing of this transfer is kept:
 * replace it (base64), or leave it to a rung of its own (rsync, whose delta transfer sends only
 * what changed of an older version).
 */
export type OlderTarget = 'replace' | 'keep';

/**
 * Looks and starts: mkdir, target a directory?, tools (a sha256 tool, dd, and what the dialect's
 * `detection` lines look for), free space; then, when the sidecar names this very transfer and the
 * partial has its size, `kept` and the sidecar's ranges as `done=<start> <end>` lines; else, with
 * `older` 'keep' and anything at the target, `target-exists` and nothing started; else (and with
 * dd there) the transfer afresh, as startLines says. Ends with `prepared`. One command, not a look
 * and then a start: each command costs a few round trips and a shell.
 */
export function inspectCommand(p: RangedFilePaths, id: RangedIdentity, detection: readonly string[], older: OlderTarget = 'replace'): string {
  const [D, P, S, T] = [q(p.dir), q(p.partial), q(p.sidecar), q(p.target)];
  return ops.inSh(
    [
      `if ! m=$(mkdir -p ${D} 2>&1); then echo "mkdir-error=$m"; exit 0; fi`,
      `if [ -d ${T} ]; then echo target-is-dir; fi`,
      ops.SHA_TOOL_DETECTION,
      ...detection,
      'if command -v dd >/dev/null 2>&1; then echo dd=present; fi',
      `echo "df=$(df -Pk ${D} 2>/dev/null | tail -n 1)"`,
      `if [ -f ${S} ] && [ -f ${P} ] && [ "$(head -n 1 ${S})" = '${identityLine(id)}' ] && [ $(( $(wc -c < ${P}) )) -eq ${id.size} ]; then`,
      // `#` ends the listing: a last line without its newline (a torn append) gets it glued on and
      // parses as nothing (GNU and BusyBox sed keep the missing newline missing; BSD sed adds one).
      `  echo kept; sed -n '2,$s/^/done=/p' ${S}; echo '#'`,
      ...(older === 'keep' ? [`elif [ -e ${T} ] || [ -L ${T} ]; then`, '  echo target-exists'] : []),
      `elif [ ! -d ${T} ] && command -v dd >/dev/null 2>&1; then`,
      ...startLines(p, id).map((l) => `  ${l}`),
      'fi',
      `echo ${ops.PREPARED_MARK}`,
    ].join('\n'),
  );
}

/**
 * The transfer afresh: drops partial and sidecar (another file's ranges), makes a sparse partial
 * of `size` (it takes no disk blocks until ranges land), writes the identity line. Prints
 * `started`, or `start-error=` with dd's or the shell's last word.
 */
function startLines(p: RangedFilePaths, id: RangedIdentity): string[] {
  const [P, S] = [q(p.partial), q(p.sidecar)];
  return [
    `rm -f ${S} ${P}`,
    // No conv=notrunc: dd truncates (here: extends) the output to the seek offset; no data is read.
    `if ! e=$(dd if=/dev/null of=${P} bs=1 seek=${id.size} 2>&1); then echo "start-error=$(printf '%s' "$e" | tail -n 1)"`,
    `elif e=$(printf '%s\\n' '${identityLine(id)}' 2>&1 > ${S}); then echo started`,
    `else echo "start-error=$(printf '%s' "$e" | tail -n 1)"; fi`,
  ];
}

/** What is at a target, for a rung choosing between ranges and its own single stream. */
export interface TargetLook {
  /** The target path on the node: nothing there, a directory, or anything else (an older version). */
  target: 'none' | 'file' | 'dir';
  ddPresent: boolean;
  /** The transfer a ranged partial beside it holds ranges of, when the partial has the size its sidecar names. */
  ranged: RangedIdentity | undefined;
}

/** Writes nothing: prints `target=none|file|dir`, `dd=present`, and `ranged=<sidecar's first line> <partial's size>`. */
export function lookCommand(p: RangedFilePaths): string {
  const [P, S, T] = [q(p.partial), q(p.sidecar), q(p.target)];
  return ops.inSh(
    [
      `if [ -d ${T} ]; then echo target=dir; elif [ -e ${T} ] || [ -L ${T} ]; then echo target=file; else echo target=none; fi`,
      'if command -v dd >/dev/null 2>&1; then echo dd=present; fi',
      `if [ -f ${S} ] && [ -f ${P} ]; then echo "ranged=$(head -n 1 ${S}) $(( $(wc -c < ${P}) ))"; fi`,
    ].join('\n'),
  );
}

/** Reads lookCommand's output; undefined when it did not say what the target is. */
export function parseLookOutput(stdout: string): TargetLook | undefined {
  const target = /^target=(none|file|dir)$/m.exec(stdout)?.[1] as TargetLook['target'] | undefined;
  if (!target) return undefined;
  const m = new RegExp(`^ranged=ringrift-ranges ${SIDECAR_VERSION} (\\d+) ([0-9a-f]{64}) (\\d+)$`, 'm').exec(stdout);
  const ranged = m && m[1] === m[3] ? { size: Number(m[1]), sha256: m[2] } : undefined;
  return { target, ddPresent: /^dd=present$/m.test(stdout), ranged };
}

/** What turns a range command's stdin into the range's bytes for dd: base64's decoder, with the flag the node's takes. */
export type RangeDecoder = `base64 ${ops.Base64DecodeFlag}`;

/** What a range command runs with beyond the paths; its range comes on stdin (rangeLine). */
interface RangeTools {
  /** undefined: stdin is the bytes themselves (an exec channel without a pty is 8-bit clean). */
  decoder: RangeDecoder | undefined;
  tool: ops.ShaTool;
}

/**
 * A range command's first line of stdin: `<start> <end> <sha256 of the range's bytes>`. On stdin,
 * not in the command: a stream opens its next range's command before it knows which range that
 * will be (sshRangeSender.ts), so no range waits behind a stream that stalls.
 */
export function rangeLine(range: ByteRange, sha256: string): string {
  if (range.start % DD_BLOCK_BYTES !== 0 || !/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`rangeLine: range ${range.start}-${range.end} is off the dd grid or its sha256 is not hex`);
  return `${range.start} ${range.end} ${sha256}\n`;
}

/**
 * One range: a rangeLine, then the range's bytes (base64 text through `decoder`, or the bytes
 * themselves) to the end of stdin, written at its offset, then exactly that span read back from the
 * partial and hashed; only a match appends the range to the sidecar. Prints `range-ok`,
 * `range-mismatch <hash>`, or `write-error=<dd's last line>` (a full disk). A connection cut
 * mid-range ends stdin early: dd writes the prefix, which then fails the hash and is not recorded.
 * Stdin ending before a whole line (a command the stream closed unused) writes nothing, prints nothing.
 */
export function rangeCommand(p: RangedFilePaths, tools: RangeTools): string {
  const [P, S] = [q(p.partial), q(p.sidecar)];
  const B = DD_BLOCK_BYTES;
  const write = `dd of=${P} bs=${B} seek=$at conv=notrunc`;
  return ops.inSh(
    [
      // The shell's read takes one byte at a time from a pipe or socket: what follows the line is left for dd.
      'read -r start end want || exit 0',
      // Ours, but they go into dd's operands and the sidecar: whole numbers, and hex (an empty hash would match a failed tool's).
      `for n in "$start" "$end"; do case $n in ''|*[!0-9]*) echo 'bad range line'; exit 0 ;; esac; done`,
      `case $want in ''|*[!0-9a-f]*) echo 'bad range line'; exit 0 ;; esac`,
      `at=$((start / ${B})); blocks=$(((end - start + ${B - 1}) / ${B}))`,
      // dd's stderr (its error, or its record counts) into err; its stdout is empty.
      `if ! err=$(${tools.decoder ? `${tools.decoder} | ${write}` : write} 2>&1 >/dev/null); then echo "write-error=$(printf '%s' "$err" | tail -n 1)"; exit 0; fi`,
      // A range that ends mid-block is the file's last: the partial ends there too, so dd stops there.
      `h=$(dd if=${P} bs=${B} skip=$at count=$blocks 2>/dev/null | ${ops.shaCommand(tools.tool)} | cut -d ' ' -f 1)`,
      `if [ "$h" = "$want" ]; then printf '%s %s\\n' "$start" "$end" >> ${S} && echo range-ok; else echo "range-mismatch $h"; fi`,
    ].join('\n'),
  );
}

/**
 * The end, opened before the ranges go (FinishExec): stdin brings a `<end>` line each time the
 * partial's verified prefix grows (ends on the range grid, the last one the file's size), and the
 * whole file's sha256 reads the prefix as it grows, so after the last range only that range is
 * left to read. Then `end` and `commit <sha256>`: the hash must be the file's; then the partial
 * takes the local file's mtime (whole seconds, as rsync's -t keeps it: rsync's quick check then
 * skips the unchanged file next time, and verifies it anyway), `mv -f` goes over the target
 * (atomic), and the sidecar and any single-stream partial go. A mismatch drops partial and sidecar
 * (the ranges were wrong: the next push starts afresh). Stdin ending before `commit` (a push that
 * failed or was cancelled) changes nothing and prints nothing. Prints what ops.parseFinishOutput reads.
 */
export function rangedFinishCommand(p: RangedFilePaths, tool: ops.ShaTool, mtime: Date): string {
  const [P, S, T, SP] = [q(p.partial), q(p.sidecar), q(p.target), q(p.streamPartial)];
  const B = DD_BLOCK_BYTES;
  const stamp = touchStamp(mtime);
  // A node whose touch refuses the time (or a time touch cannot say) keeps the file's own: only the quick check is lost.
  const touch = stamp ? `TZ=UTC0 touch -t ${stamp} ${P} 2>/dev/null; ` : '';
  return ops.inSh(
    [
      // The shell's read takes one byte at a time from a pipe or socket: each line is left whole for the next read.
      `h=$(at=0; while read -r to; do case $to in ''|*[!0-9]*) break ;; esac`,
      `  if [ "$to" -gt "$at" ]; then dd if=${P} bs=${B} skip=$((at / ${B})) count=$(((to - at + ${B - 1}) / ${B})) 2>/dev/null; at=$to; fi`,
      `done | ${ops.shaCommand(tool)} | cut -d ' ' -f 1)`,
      'read -r verb want || exit 0',
      `[ "$verb" = commit ] || exit 0`,
      `case $want in ''|*[!0-9a-f]*) echo 'bad commit line'; exit 0 ;; esac`,
      `if [ -d ${T} ]; then echo target-is-dir; exit 0; fi`,
      `if [ "$h" = "$want" ]; then ${touch}mv -f ${P} ${T} && rm -f ${S} ${SP} && echo ok; else rm -f ${P} ${S}; echo "mismatch $h"; fi`,
    ].join('\n'),
  );
}

/** A finish's stdin line: the verified prefix now ends at `end` (on the grid, or the file's size). */
export const prefixLine = (end: number): string => `${end}\n`;

/** The finish's last lines: the prefix is whole; rename it if it hashes to `sha256`. */
export function commitLines(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('commitLines: the sha256 is not hex');
  return `end\ncommit ${sha256}\n`;
}

/** POSIX `touch -t` time, `CCYYMMDDhhmm.SS`, in UTC (the command sets TZ=UTC0); undefined for a year outside 0-9999. */
function touchStamp(t: Date): string | undefined {
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp = `${String(t.getUTCFullYear()).padStart(4, '0')}${two(t.getUTCMonth() + 1)}${two(t.getUTCDate())}${two(t.getUTCHours())}${two(t.getUTCMinutes())}.${two(t.getUTCSeconds())}`;
  // It goes into a command: digits only, whatever the Date.
  return /^\d{12}\.\d{2}$/.test(stamp) ? stamp : undefined;
}

/** How inspectCommand's start of a fresh transfer went: `started`, or the node's words for why not. */
export type StartOutcome = { ok: true } | { ok: false; text: string };

export interface InspectReport extends ops.PrepareReport {
  ddPresent: boolean;
  /** The sidecar's ranges when it and the partial are this transfer's; undefined: it was started afresh (see `start`). */
  kept: ByteRange[] | undefined;
  /** When nothing was kept: how the start went (undefined: not tried, no dd, or something at the target, see `targetExists`). */
  start: StartOutcome | undefined;
  /** Asked to keep an older target ('keep'): something is there, and nothing of this transfer was kept. */
  targetExists: boolean;
}

/**
 * Reads inspectCommand's output. Only ranges on the grid of `rangeBytes` (start on it, end on it
 * or at `size`) count: what this client records; anything else (a torn line) is sent again.
 */
export function parseInspectOutput(stdout: string, size: number, rangeBytes: number): InspectReport {
  const base = ops.parsePrepareOutput(stdout);
  let kept: ByteRange[] | undefined;
  let start: StartOutcome | undefined;
  let ddPresent = false;
  let targetExists = false;
  for (const line of stdout.split('\n')) {
    if (line === ops.PREPARED_MARK) break;
    if (line === 'dd=present') ddPresent = true;
    if (line === 'target-exists') targetExists = true;
    if (line === 'kept') kept = [];
    if (line === 'started') start = { ok: true };
    if (line.startsWith('start-error=')) start = { ok: false, text: line.slice('start-error='.length) };
    const m = /^done=(\d+) (\d+)$/.exec(line);
    if (!m || !kept) continue;
    const r = { start: Number(m[1]), end: Number(m[2]) };
    if (r.start < r.end && r.end <= size && r.start % rangeBytes === 0 && (r.end % rangeBytes === 0 || r.end === size)) kept.push(r);
  }
  return { ...base, ddPresent, kept, start, targetExists };
}

export type RangeOutcome = { kind: 'ok' } | { kind: 'mismatch'; remoteSha: string } | { kind: 'write_error'; text: string } | { kind: 'unexpected'; text: string };

export function parseRangeOutput(stdout: string): RangeOutcome {
  const line = stdout.trim().split('\n').pop() ?? '';
  if (line === 'range-ok') return { kind: 'ok' };
  const mismatch = /^range-mismatch\s*(\S*)$/.exec(line);
  if (mismatch) return { kind: 'mismatch', remoteSha: mismatch[1] };
  if (line.startsWith('write-error=')) return { kind: 'write_error', text: line.slice('write-error='.length) };
  return { kind: 'unexpected', text: stdout.trim() };
}
