import { fail, ok, type Result } from '../core/result';
import { parseRelPath } from './paths';

/**
 * Where the RingRift orchestrator's file endpoints put and find files, as segments under the agent
 * root. Its data dir (RR_ORCH_DATA_DIR) is ROOT/data here and its models dir ROOT/models, so a
 * file it would hold at data/x is ROOT/data/x: the same file `PUT /files/data/x` writes.
 */

/** The two trees the orchestrator's endpoints address; `type` of GET /files/info names one. */
export type FileTree = 'data' | 'model';

export const TREE_DIR: Record<FileTree, string> = { data: 'data', model: 'models' };

/** The orchestrator's own message, kept word for word so a client matches either server. */
const UPLOAD_PREFIX_MESSAGE = "Path must start with 'models/' or 'data/'";

/**
 * The `path` field of POST /files/upload: `data/<rest>` or `models/<rest>` (the orchestrator's
 * rule), and then the agent's own rules for `<rest>` (no `..`, relative, names a file). Unlike
 * the orchestrator, no extension allowlist: the agent takes any file under its root.
 */
export function uploadSegments(formPath: string): Result<string[], 'bad_prefix' | 'bad_path'> {
  if (!formPath.startsWith('data/') && !formPath.startsWith('models/')) return fail('bad_prefix', UPLOAD_PREFIX_MESSAGE);
  const segs = parseRelPath(formPath);
  if (!segs.ok) return segs;
  if (segs.value.length < 2) return fail('bad_path', `'${formPath}' names a directory, not a file under it`);
  return segs;
}

/** A path relative to one tree (GET /files/info, GET /sync/file, POST /sync/pull entries). */
export function treeSegments(tree: FileTree, rel: string): Result<string[], 'bad_path'> {
  const segs = parseRelPath(rel);
  return segs.ok ? ok([TREE_DIR[tree], ...segs.value]) : segs;
}
