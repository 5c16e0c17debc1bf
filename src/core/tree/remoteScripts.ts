import { BASE64_DETECTION, SHA_TOOL_DETECTION, inSh, shaCommand, type Base64DecodeFlag } from '../transports/base64/remoteFileOps';
import { shellQuote, shellQuoteRemotePath } from '../transports/remotePath';
import { PARTIAL_DIR } from '../transports/rsync/rsyncArgs';
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

/** Sets and exports `s`, the node's fastest sha256 command, and `t`, its name (empty: none). */
const SHA_VAR = [
  `t=$(${SHA_TOOL_DETECTION}); t=\${t#sha=}`,
  `case "$t" in ${(['openssl', 'sha256sum', 'shasum'] as const).map((t) => `${t}) s=${shellQuote(shaCommand(t))} ;;`).join(' ')} esac`,
  'export s',
].join('\n');

/** One name of a tree on stdin (`inspectScript`, `hashScript`): `./` first, so no tool reads it as an option. */
export function nameRecord(rel: string): string {
  return `./${rel}\0`;
}

/**
 * Reports the node's tools (`sha=`, `tar=present`, `base64=present`, `decode=`), then `listed`,
 * then, per batch xargs makes: `b`, one line per name in order (`-` none, `d` not a regular file
 * or a symlink, `f` a regular file), `s`, and one `size/mtime` line per `f` (one stat for them all).
 * parseInspect reads it.
 */
export function inspectScript(root: string): string {
  return inRoot(root, [
    SHA_VAR,
    'echo "sha=$t"',
    BASE64_DETECTION,
    'if command -v tar >/dev/null 2>&1; then echo tar=present; fi',
    "if stat -c %s . >/dev/null 2>&1; then st='stat -c %s/%Y'; else st='stat -f %z/%m'; fi",
    'export st',
    'echo listed',
    overRecords([
      'echo b; n=$#',
      'while [ "$n" -gt 0 ]; do',
      '  f=$1; shift; n=$((n - 1))',
      '  if [ -L "$f" ]; then echo d; elif [ -f "$f" ]; then echo f; set -- "$@" "$f"; elif [ -e "$f" ]; then echo d; else echo -; fi',
      'done',
      'echo s',
      'if [ $# -gt 0 ]; then $st -- "$@"; fi',
    ]),
  ], true);
}

/** A record of `dirsScript`: the directory's index and name. */
export function indexedRecord(index: number, rel: string): string {
  return `${index}/${rel}\0`;
}

/**
 * Creates the tree's directories under the root, parents first (never `-p`), and refuses to write
 * through what is in the way: prints `link <i>` for a symlink (it could lead out of the root),
 * `notdir <i>` for a file, and creates nothing then. The missing ones are made by one `mkdir` in
 * the list's order (a process per directory cost ~1 ms each); when that fails, one at a time, each
 * failure printed as `mkdir <i>`.
 */
export function dirsScript(root: string): string {
  return inRoot(root, [
    overRecords([
      'n=$#; bad=',
      'while [ "$n" -gt 0 ]; do',
      '  a=$1; shift; n=$((n - 1)); i=${a%%/*}; d=${a#*/}',
      '  if [ -L "$d" ]; then echo "link $i"; bad=1; elif [ -d "$d" ]; then :; elif [ -e "$d" ]; then echo "notdir $i"; bad=1; else set -- "$@" "$a"; fi',
      'done',
      '[ -z "$bad" ] && [ $# -gt 0 ] || exit 0',
      `for a; do printf '%s\\0' "\${a#*/}"; done | xargs -0 mkdir -- 2>/dev/null && exit 0`,
      'for a; do i=${a%%/*}; d=${a#*/}; [ -d "$d" ] || mkdir -- "$d" 2>/dev/null || echo "mkdir $i"; done',
    ]),
  ], true);
}

/** The staging directory of one sync, under the root: `.ringrift-staging-<id>`. */
export function stagingName(id: string): string {
  return `${STAGING_PREFIX}${id.replace(/[^A-Za-z0-9_-]/g, '')}`;
}

/**
 * Receives the tar stream (base64 on stdin) into the staging directory, which must exist (dirsScript
 * made it): a command the node starts late, after a cancel removed it, writes nothing. Members are
 * named by index.
 */
export function receiveTarScript(root: string, staging: string, flag: Base64DecodeFlag): string {
  return inRoot(root, [`cd -- ${shellQuote(staging)} && base64 ${flag} | tar -xof -`]);
}

/** Receives one file (base64 on stdin) as staging/<index>: the fallback for a node without tar. */
export function receiveFileScript(root: string, staging: string, index: number, flag: Base64DecodeFlag): string {
  return inRoot(root, [`[ -d ${shellQuote(staging)} ] && base64 ${flag} > ${shellQuote(staging)}/${index}`]);
}

/**
 * How `finishScript` puts one file in place: `mv` a staged file whose mtime tar already set;
 * `stamp` sets the staged file's mtime first; `touch` only sets the mtime of the file already there.
 */
export type FinishMode = 'mv' | 'stamp' | 'touch';

/** A record of `finishScript`: index, mode, `touch -t` stamp, name. */
export function finishRecord(index: number, mode: FinishMode, stamp: string, rel: string): string {
  return `${index}/${mode}/${stamp}/${rel}\0`;
}

/**
 * Puts each staged file (already checked) in place with one rename(2): readers see the old file or
 * the new one, never half. Prints `ok <i>`, `isdir <i>` (a directory in the way) or `fail <i>`.
 */
export function finishScript(root: string, staging: string): string {
  return inRoot(root, [
    `S=${shellQuote(staging)}; export S`,
    overRecords([
      'for a; do',
      '  i=${a%%/*}; r=${a#*/}; m=${r%%/*}; r=${r#*/}; t=${r%%/*}; f=${r#*/}',
      '  if [ -d "$f" ] && [ ! -L "$f" ]; then echo "isdir $i"; continue; fi',
      '  case "$m" in',
      '    touch) TZ=UTC0 touch -c -t "$t" -- "$f" ;;',
      '    stamp) TZ=UTC0 touch -t "$t" -- "$S/$i" && mv -f -- "$S/$i" "$f" ;;',
      '    *) mv -f -- "$S/$i" "$f" ;;',
      '  esac && echo "ok $i" || echo "fail $i"',
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

/**
 * The sha256 of each name on stdin (nameRecord), one tool run per xargs batch: the tool prints
 * `<sha256>  ./name` (or ` *./name`; GNU and shasum escape a name holding a newline or backslash,
 * marking the line with a leading `\\`). parseHashes reads it, knowing the names it sent.
 */
export function hashScript(root: string): string {
  return inRoot(root, [SHA_VAR, 'xargs -0 $s']);
}

/** Every file and symlink under the root, NUL-separated as `./rel`, without the sync's own partials and staging. */
export function listScript(root: string): string {
  return inRoot(root, [
    `find . \\( -name ${shellQuote(`${STAGING_PREFIX}*`)} -o -name ${shellQuote(`*${PARTIAL_DIR}`)} \\) -prune -o \\( -type f -o -type l \\) -print0`,
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
