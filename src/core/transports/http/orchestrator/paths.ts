import * as path from 'node:path';
import { fail, ok, type Result } from '../../../result';
import { normaliseRelative } from '../../remotePath';
import type { PushLimit } from '../../transport';

/**
 * Where a remote path lands on a RingRift orchestrator. Its upload takes `data/<rel>` (stored under
 * ringrift_path/data/<rel>) or `models/<rel>`; /files/info and /sync/pull take `<rel>` relative to
 * that directory. A relative remote path must start with one of them; an absolute one must lie
 * under the node's ringrift_path + /data/ or /models/. Anything else does not fit: the next
 * transport (rsync, base64) can put it anywhere.
 */
type OrchestratorDir = 'data' | 'models';

export interface OrchestratorTarget {
  dir: OrchestratorDir;
  /** Relative to the directory: /files/info's `path`, /sync/pull's `files` entry. */
  rel: string;
  /** `dir/rel`: the upload's `path` field. */
  uploadPath: string;
}

export type PathRefusal = Extract<PushLimit, 'outside_prefixes' | 'path_traversal'>;

function split(rel: string): OrchestratorTarget | undefined {
  for (const dir of ['data', 'models'] as const) {
    if (rel.startsWith(`${dir}/`) && rel.length > dir.length + 1) return { dir, rel: rel.slice(dir.length + 1), uploadPath: rel };
  }
  return undefined;
}

export function orchestratorTarget(remotePath: string, remoteBase: string | undefined): Result<OrchestratorTarget, PathRefusal> {
  // The orchestrator deletes every '..' from the path (even inside a name: a..b.npz -> ab.npz), so
  // the file would land somewhere else than asked.
  if (remotePath.includes('..')) {
    return fail('path_traversal', `'${remotePath}' contains '..', which the orchestrator deletes from upload paths (the file would land elsewhere)`);
  }
  const outside = fail('outside_prefixes', `'${remotePath}' is not under data/ or models/ (relative, or under ringrift_path ${remoteBase ?? '(unset)'}), the only places the orchestrator's upload writes to`);
  let rel = remotePath;
  if (remotePath.startsWith('/') || remotePath.startsWith('~')) {
    if (!remoteBase) return outside;
    const base = path.posix.normalize(remoteBase).replace(/\/+$/, '');
    const abs = path.posix.normalize(remotePath);
    if (!abs.startsWith(`${base}/`)) return outside;
    rel = abs.slice(base.length + 1);
  }
  const norm = normaliseRelative(rel);
  const target = norm.ok ? split(norm.value) : undefined;
  return target ? ok(target) : outside;
}
