import { BASE64_DETECTION, SHA_TOOL_DETECTION, inSh, shaCommand, type Base64DecodeFlag, type ShaTool } from '../transports/base64/remoteFileOps';
import { shellQuote, shellQuoteRemotePath } from '../transports/remotePath';
import { STAGING_PREFIX } from './localTree';

/**
 * Remote shell scripts for syncing a tree over SSH (the base64 and rsync rungs), each one exec.
 * No file name of the tree is ever part of a script: names travel on stdin, NUL-separated, into
 * `xargs -0`, and the scripts only ever use them as quoted "$f" arguments. Output refers to files
 * by their index in the list sent, never by name. POSIX sh, find, xargs -0, stat (GNU or BSD).
 */

/** `sh -c` around: cd into the remote root (created first when `create`), then `body`. */
function inRoot(root: string, body: string[], create = false): string {
  const R = shellQuoteRemotePath(root);
  const enter = create ? [`if ! m=$(mkdir -p -- ${R} 2>&1); then echo "mkdir-error=$m"; exit 0; fi`] : [];
  return inSh([...enter, `cd -- ${R} || exit 4`, ...body].join('\n'));
}

/** `xargs -0 sh -c '<loop>' sh`: runs `loop` over the NUL-separated records on stdin (`for a; do ...`). */
function overRecords(loop: string[]): string {
  return `xargs -0 sh -c ${shellQuote(loop.join('\n'))} sh`;
}

/** Splits a record `x/y/rest` into "$1st" "$2nd" and the rest ("$f"): names may hold `/`, fields never do. */
const SPLIT3 = 'x=${a%%/*}; r=${a#*/}; y=${r%%/*}; f=${r#*/}';

/** Sets and exports `s`, the node's fastest sha256 command, and prints `sha=<tool>` (empty: none). */
const SHA_VAR = [
  `t=$(${SHA_TOOL_DETECTION}); t=\${t#sha=}`,
  `case "$t" in ${(['openssl', 'sha256sum', 'shasum'] as const).map((t) => `${t}) s=${shellQuote(shaCommand(t))} ;;`).join(' ')} esac`,
  'echo "sha=$t"; export s',
].join('\n');

/** One record of `inspectScript`'s stdin: the local size and mtime (s), then the name. */
export function inspectRecord(size: number, mtimeS: number, rel: string): string {
  return `${size}/${mtimeS}/${rel}\0`;
}

/**
 * Reports the node's tools (`sha=`, `tar=present`, `base64=present`, `decode=`), then `listed`,
 * then one line per record, in order: `=` same size and mtime; `-` no such file; `d` other size or
 * not a regular file; `h <sha256>` same size, other mtime (only those are read).
 */
export function inspectScript(root: string): string {
  return inRoot(root, [
    SHA_VAR,
    BASE64_DETECTION,
    'if command -v tar >/dev/null 2>&1; then echo tar=present; fi',
    "if stat -c %s . >/dev/null 2>&1; then st='stat -c %s/%Y'; else st='stat -f %z/%m'; fi",
    'export st',
    'echo listed',
    overRecords([
      'for a; do',
      `  ${SPLIT3}`,
      '  if [ -L "$f" ] || [ ! -f "$f" ]; then if [ -e "$f" ] || [ -L "$f" ]; then echo d; else echo -; fi; continue; fi',
      '  o=$($st -- "$f" 2>/dev/null) || { echo d; continue; }',
      '  if [ "$o" = "$x/$y" ]; then echo =; elif [ "${o%%/*}" = "$x" ]; then echo "h $($s < "$f" | cut -d " " -f 1)"; else echo d; fi',
      'done',
    ]),
  ], true);
}

/** A record of `dirsScript`: the directory's index and name. */
export function indexedRecord(index: number, rel: string): string {
  return `${index}/${rel}\0`;
}

/**
 * Creates the tree's directories under the root, parents first (one `mkdir` each, never `-p`), and
 * refuses to write through what is in the way: prints `link <i>` for a symlink (it could lead out
 * of the root), `notdir <i>` for a file, `mkdir <i>` for a failed mkdir.
 */
export function dirsScript(root: string): string {
  return inRoot(root, [
    overRecords([
      'for a; do',
      '  i=${a%%/*}; d=${a#*/}',
      '  if [ -L "$d" ]; then echo "link $i"; elif [ -d "$d" ]; then :; elif [ -e "$d" ]; then echo "notdir $i"; else mkdir -- "$d" 2>/dev/null || echo "mkdir $i"; fi',
      'done',
    ]),
  ], true);
}

/** The staging directory of one sync, under the root: `.ringrift-staging-<id>`. */
export function stagingName(id: string): string {
  return `${STAGING_PREFIX}${id.replace(/[^A-Za-z0-9_-]/g, '')}`;
}

/** Receives the tar stream (base64 on stdin) into the staging directory; members are named by index. */
export function receiveTarScript(root: string, staging: string, flag: Base64DecodeFlag): string {
  const S = shellQuote(staging);
  return inRoot(root, [`mkdir -p -- ${S} && cd -- ${S} && base64 ${flag} | tar -xof -`]);
}

/** Receives one file (base64 on stdin) as staging/<index>: the fallback for a node without tar. */
export function receiveFileScript(root: string, staging: string, index: number, flag: Base64DecodeFlag): string {
  const S = shellQuote(staging);
  return inRoot(root, [`mkdir -p -- ${S} && base64 ${flag} > ${S}/${index}`]);
}

/** A record of `finishScript`: index, expected sha256 (or `-`: no staged file, only set the mtime), `touch -t` stamp, name. */
export function finishRecord(index: number, sha256: string | undefined, stamp: string, rel: string): string {
  return `${index}/${sha256 ?? '-'}/${stamp}/${rel}\0`;
}

/**
 * For each record: the staged file's sha256 must be the expected one; then its mtime is set and it
 * is renamed over the name (one rename(2): readers see the old file or the new one, never half).
 * Prints `ok <i>`, `bad <i> <sha256>`, `missing <i>`, `isdir <i>` or `mvfail <i>`.
 */
export function finishScript(root: string, staging: string, tool: ShaTool): string {
  return inRoot(root, [
    `S=${shellQuote(staging)}; s=${shellQuote(shaCommand(tool))}; export S s`,
    overRecords([
      'for a; do',
      '  i=${a%%/*}; r=${a#*/}; w=${r%%/*}; r=${r#*/}; t=${r%%/*}; f=${r#*/}',
      '  if [ -d "$f" ] && [ ! -L "$f" ]; then echo "isdir $i"; continue; fi',
      '  if [ "$w" = - ]; then TZ=UTC0 touch -c -t "$t" -- "$f" && echo "ok $i" || echo "mvfail $i"; continue; fi',
      '  if [ ! -f "$S/$i" ]; then echo "missing $i"; continue; fi',
      '  h=$($s < "$S/$i" | cut -d " " -f 1)',
      '  if [ "$h" != "$w" ]; then echo "bad $i $h"; continue; fi',
      '  TZ=UTC0 touch -t "$t" -- "$S/$i" && mv -f -- "$S/$i" "$f" && echo "ok $i" || echo "mvfail $i"',
      'done',
    ]),
  ]);
}

/** `touch -t` stamp (CCYYMMDDhhmm.SS, read in UTC) of an mtime in ms. */
export function touchStamp(mtimeMs: number): string {
  const d = new Date(Math.floor(mtimeMs / 1000) * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}.${two(d.getUTCSeconds())}`;
}

/** Prints `h <sha256>` or `-` per name on stdin, in order: the check after rsync. */
export function hashScript(root: string): string {
  return inRoot(root, [
    SHA_VAR,
    overRecords(['for f; do', '  if [ -f "$f" ] && [ ! -L "$f" ]; then echo "h $($s < "$f" | cut -d " " -f 1)"; else echo -; fi', 'done']),
  ]);
}

/** Every file and symlink under the root, NUL-separated as `./rel`, without the sync's own partials and staging. */
export function listScript(root: string): string {
  return inRoot(root, [
    `find . \\( -name ${shellQuote(STAGING_PREFIX + '*')} -o -name .ringrift-partial -o -name '*.ringrift-partial' \\) -prune -o \\( -type f -o -type l \\) -print0`,
  ]);
}

/** Removes the names on stdin (NUL-separated, relative to the root): `--delete`'s one batched rm. */
export function removeScript(root: string): string {
  return inRoot(root, ['xargs -0 rm -f --']);
}

/** Drops the staging directory. */
export function cleanupScript(root: string, staging: string): string {
  return inRoot(root, [`rm -rf -- ${shellQuote(staging)}`]);
}
