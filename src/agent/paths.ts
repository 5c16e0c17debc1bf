import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { fail, ok, type Failure, type Result } from '../core/result';

/** Suffix of the file an upload grows in, beside its target, until it is complete and verified. */
export const PARTIAL_SUFFIX = '.ringrift-partial';
/** Suffix of a ranged upload's sidecar: which ranges of its partial are complete (rangeSidecar.ts). */
export const RANGES_SUFFIX = '.ringrift-ranges';
/** Names no /files/ request may use: they are the agent's own bookkeeping. */
const RESERVED_SUFFIXES = [PARTIAL_SUFFIX, RANGES_SUFFIX];
export const FILES_PREFIX = '/files/';

/**
 * Turns the rest of a `/files/<rel>` URL into path segments under the agent root. Refuses what
 * could leave the root or be ambiguous: `..`, an absolute path (`/files//etc`, `%2F`), NUL, bad
 * percent-encoding, a trailing `/` (a directory) and our own partial-file names.
 */
export function parseFilesPath(urlPath: string): Result<string[], 'bad_path'> {
  const raw = urlPath.slice(FILES_PREFIX.length);
  const shape = checkShape(raw, 'after /files/');
  if (shape) return shape;
  const decoded: string[] = [];
  for (const encoded of raw.split('/')) {
    let seg: string;
    try {
      seg = decodeURIComponent(encoded);
    } catch {
      return fail('bad_path', `'${encoded}' is not valid percent-encoding`);
    }
    if (seg.includes('/')) return fail('bad_path', `segment '${seg}' holds an encoded '/': send each directory as its own segment`);
    decoded.push(seg);
  }
  return checkSegments(decoded);
}

/**
 * The same rules for a path that arrives already decoded (a form field, a query parameter, a
 * JSON string): relative, `/`-separated, no `..`, no NUL, names a file.
 */
export function parseRelPath(rel: string): Result<string[], 'bad_path'> {
  return checkShape(rel, 'in the path') ?? checkSegments(rel.split('/'));
}

function checkShape(raw: string, where: string): Failure<'bad_path'> | undefined {
  if (raw === '') return fail('bad_path', `no file named ${where}`);
  if (raw.startsWith('/')) return fail('bad_path', `'${raw}' is absolute; the agent takes paths relative to its root`);
  if (raw.endsWith('/')) return fail('bad_path', `'${raw}' names a directory, not a file`);
  return undefined;
}

function checkSegments(raw: string[]): Result<string[], 'bad_path'> {
  const segments: string[] = [];
  for (const seg of raw) {
    if (seg.includes('\0')) return fail('bad_path', 'a path with a NUL byte is refused');
    if (seg === '..') return fail('bad_path', `'..' would leave the agent root; refused`);
    if (seg === '' || seg === '.') continue;
    segments.push(seg);
  }
  if (segments.length === 0) return fail('bad_path', 'the path names no file');
  const reserved = RESERVED_SUFFIXES.find((suffix) => segments[segments.length - 1].endsWith(suffix));
  if (reserved) return fail('bad_path', `names ending in '${reserved}' are reserved for uploads in progress`);
  return ok(segments);
}

export interface TargetPaths {
  /** Relative path as the client named it, for messages. */
  rel: string;
  target: string;
  /** Where the bytes accumulate until the rename: `.<name>.ringrift-partial` beside the target. */
  partial: string;
  /** A ranged upload's partial (`.<name>.ranged.ringrift-partial`): written at offsets, not appended. */
  rangedPartial: string;
  /** Its sidecar `.<name>.ringrift-ranges`: the completed ranges, so a retry sends only the rest. */
  rangesSidecar: string;
  dir: string;
}

export function targetPaths(root: string, segments: string[]): TargetPaths {
  const target = path.join(root, ...segments);
  const dir = path.dirname(target);
  const hidden = path.join(dir, `.${path.basename(target)}`);
  return { rel: segments.join('/'), target, dir, partial: `${hidden}${PARTIAL_SUFFIX}`, rangedPartial: `${hidden}.ranged${PARTIAL_SUFFIX}`, rangesSidecar: `${hidden}${RANGES_SUFFIX}` };
}

/** The deepest existing ancestor of `dir` (itself included): what statfs and realpath can look at. */
export async function nearestExisting(dir: string): Promise<string> {
  let cur = dir;
  for (;;) {
    try {
      await fs.stat(cur);
      return cur;
    } catch {
      const up = path.dirname(cur);
      if (up === cur) return cur;
      cur = up;
    }
  }
}

/** Whether `dir` resolves (symlinks followed) inside `root`: a symlinked directory must not lead out. */
export async function staysInsideRoot(root: string, dir: string): Promise<boolean> {
  const [realRoot, realDir] = await Promise.all([fs.realpath(root), fs.realpath(await nearestExisting(dir))]);
  return realDir === realRoot || realDir.startsWith(realRoot + path.sep);
}

/** Size of a regular file, or undefined when there is none. */
export async function fileSize(p: string): Promise<number | undefined> {
  try {
    const st = await fs.lstat(p);
    return st.isFile() ? st.size : undefined;
  } catch {
    return undefined;
  }
}
