import { isUtf8 } from 'node:buffer';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeError, fail, ok, type Result } from '../result';
import type { HostsFile } from './diagnostics';
import type { NormaliseOptions } from './normalise';
import { parseHostsText } from './parseHostsText';

/**
 * Reading distributed_hosts.yaml from disk, and finding it. Never throws: a file that cannot be
 * read is `unreadable` with one line saying why; a file that can be read but is not good YAML
 * gives a HostsFile whose diagnostics point at the problem.
 */

/** A real hosts file is tens of kilobytes; 5,000 hosts are about 3 MB. */
const MAX_HOSTS_FILE_BYTES = 32 * 1024 * 1024;

function whyUnreadable(filePath: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return `hosts file '${filePath}' does not exist (ENOENT): check the path; if something rewrites the file, try again`;
    case 'EISDIR':
      return `hosts file '${filePath}' is a directory: give the path of distributed_hosts.yaml itself`;
    case 'EACCES':
    case 'EPERM':
      return `hosts file '${filePath}' cannot be read: permission denied (${code}); check its permissions`;
    default:
      return `hosts file '${filePath}' cannot be read: ${describeError(err)}`;
  }
}

/**
 * Opens once and reads from that handle, so the file cannot change identity between the checks
 * and the read (a file removed after opening still reads whole). Non-blocking open: a FIFO is
 * refused instead of waiting forever for a writer.
 */
async function readHostsBytes(filePath: string): Promise<Result<Buffer, 'unreadable'>> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(filePath, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    const stat = await handle.stat();
    if (stat.isDirectory()) return fail('unreadable', whyUnreadable(filePath, { code: 'EISDIR' }));
    if (!stat.isFile()) return fail('unreadable', `hosts file '${filePath}' is not a regular file (a pipe or a device?): give the path of distributed_hosts.yaml`);
    if (stat.size > MAX_HOSTS_FILE_BYTES) {
      return fail('unreadable', `hosts file '${filePath}' is ${stat.size} bytes, over the ${MAX_HOSTS_FILE_BYTES}-byte limit: is this really distributed_hosts.yaml?`);
    }
    const bytes = await handle.readFile();
    if (bytes.length > MAX_HOSTS_FILE_BYTES) return fail('unreadable', `hosts file '${filePath}' grew past ${MAX_HOSTS_FILE_BYTES} bytes while it was being read`);
    return ok(bytes);
  } catch (err) {
    return fail('unreadable', whyUnreadable(filePath, err));
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Offset of the first byte that breaks UTF-8, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const extra = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (extra < 0 || i + extra >= b.length) return i;
    for (let k = 1; k <= extra; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    const next = b[i + 1];
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
    if ((c === 0xe0 && next < 0xa0) || (c === 0xed && next > 0x9f) || (c === 0xf0 && next < 0x90) || (c === 0xf4 && next > 0x8f)) return i;
    i += extra + 1;
  }
  return -1;
}

function invalidUtf8File(fileName: string, bytes: Buffer, offset: number): HostsFile {
  const lineStart = bytes.lastIndexOf(0x0a, offset - 1) + 1;
  let line = 1;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < offset; i = bytes.indexOf(0x0a, i + 1)) line++;
  const column = bytes.subarray(lineStart, offset).toString('utf8').length + 1;
  const byte = bytes[offset].toString(16).toUpperCase().padStart(2, '0');
  const message = `the file is not valid UTF-8: byte 0x${byte} here cannot be decoded; save the file as UTF-8`;
  const at = { line, column };
  return {
    fileName,
    nodes: [],
    settings: { maxConcurrentSyncs: undefined, bandwidthLimitMbps: undefined, hostBandwidthOverrides: [] },
    diagnostics: [{ severity: 'error', code: 'invalid_utf8', path: [], range: { start: at, end: at }, message }],
  };
}

/** The file's bytes checked (UTF-8), decoded and parsed. */
export function parseHostsBytes(bytes: Uint8Array, fileName: string, options: Partial<NormaliseOptions>): HostsFile {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // NUL bytes: parseHostsText reports a binary file with the position.
  // Node's native check first (a JS scan of a 2 MB file took ~10 ms); the scan only finds where.
  if (!buffer.includes(0) && !isUtf8(buffer)) {
    const bad = firstInvalidUtf8(buffer);
    if (bad !== -1) return invalidUtf8File(fileName, buffer, bad);
  }
  return parseHostsText(buffer.toString('utf8').replace(/^\uFEFF/, ''), fileName, options);
}

/**
 * parseHostsBytes, or something that gives its answer later: the extension hands a big file's
 * bytes to a worker thread (on its own thread, the UTF-8 check and decoding alone took tens of ms).
 */
export type HostsBytesParser = (bytes: Uint8Array, fileName: string, options: Partial<NormaliseOptions>) => HostsFile | Promise<HostsFile>;

export async function loadHostsFile(filePath: string, options: Partial<NormaliseOptions> = {}, parse: HostsBytesParser = parseHostsBytes): Promise<Result<HostsFile, 'unreadable'>> {
  const read = await readHostsBytes(filePath);
  if (!read.ok) return read;
  return ok(await parse(read.value, filePath, options));
}

/** The hosts file's names: RingRift writes `.yaml`; `.yml` is the same file under YAML's other extension. */
const HOSTS_FILE_NAMES = ['distributed_hosts.yaml', 'distributed_hosts.yml'] as const;
/** The hosts file anywhere in a workspace, one glob per name (the editor's file associations). */
export const HOSTS_FILE_GLOBS: readonly string[] = HOSTS_FILE_NAMES.map((name) => `**/${name}`);
/** The same as one glob (a file watcher). */
export const HOSTS_FILE_GLOB = `**/{${HOSTS_FILE_NAMES.join(',')}}`;
/** Folders of a RingRift checkout the hosts file lives in, relative to the working directory, nearest first. */
const HOSTS_FILE_DIRS = ['', 'config/', 'ai-service/config/'] as const;
/** Where `locateHostsFile` looks, in order, after $RINGRIFT_HOSTS_FILE. */
export const HOSTS_FILE_CANDIDATES: readonly string[] = HOSTS_FILE_DIRS.flatMap((dir) => HOSTS_FILE_NAMES.map((name) => dir + name));

/** The hosts file to use: `explicit` (--hosts) as given, else $RINGRIFT_HOSTS_FILE, else the first candidate that exists. */
export function locateHostsFile(opts: { explicit?: string; env: NodeJS.ProcessEnv; cwd: string }): Result<string, 'not_found'> {
  if (opts.explicit) return ok(path.resolve(opts.cwd, opts.explicit));
  const fromEnv = opts.env.RINGRIFT_HOSTS_FILE;
  if (fromEnv) {
    const p = path.resolve(opts.cwd, fromEnv);
    if (fs.existsSync(p)) return ok(p);
    return fail('not_found', `$RINGRIFT_HOSTS_FILE names '${fromEnv}', which does not exist: fix the variable or pass --hosts FILE`);
  }
  for (const candidate of HOSTS_FILE_CANDIDATES) {
    const p = path.join(opts.cwd, candidate);
    if (fs.existsSync(p)) return ok(p);
  }
  const looked = ['$RINGRIFT_HOSTS_FILE (not set)', ...HOSTS_FILE_CANDIDATES.map((c) => `./${c}`)].join(', ');
  return fail('not_found', `no hosts file found: looked at ${looked} in ${opts.cwd}; pass --hosts FILE or set RINGRIFT_HOSTS_FILE`);
}
