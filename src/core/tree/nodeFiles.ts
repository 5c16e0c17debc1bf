import { fail, ok, type Result } from '../result';
import { parsePrepareOutput, type Base64DecodeFlag, type ShaTool } from '../transports/base64/remoteFileOps';
import type { TransportFailureCode } from '../transports/failureCodes';
import type { TreeFile } from './localTree';
import { mtimeSeconds, type RemoteState } from './plan';
import { parseHashes, parseInspect } from './remoteOutput';
import { hashScript, inspectScript, nameRecord } from './remoteScripts';
import type { RemoteShell } from './remoteShell';
import type { FilesHasher } from './filesHasher';

/** What the SSH rungs ask the node about the tree's files, each question one batched exec. */

export interface NodeTools {
  sha: ShaTool;
  decode: Base64DecodeFlag;
  tar: boolean;
}

/** sha256 of each name under `dir` on the node, in order (one hashing tool run per xargs batch). */
export async function hashOnNode(shell: RemoteShell, dir: string, rels: string[], where: string): Promise<Result<string[], TransportFailureCode>> {
  if (rels.length === 0) return ok([]);
  const r = await shell.run(hashScript(dir), Buffer.from(rels.map(nameRecord).join('')), 600_000);
  if (!r.ok) return fail(r.code, `${r.message} (hashing ${rels.length} files under ${dir})`);
  const hashes = parseHashes(r.value.stdout, rels);
  if (!hashes.ok) return fail('verify_failed', `${where}: could not read the sha256 of every file under ${dir} (${hashes.message})${r.value.stderr ? `: ${r.value.stderr}` : ''}`);
  return hashes;
}

/**
 * The node's tools, and for each file: missing, up to date (same size and mtime), different, or
 * (same size, other mtime) its sha256 there: the one question that reads file contents.
 */
export async function inspectNode(shell: RemoteShell, root: string, files: TreeFile[], hashes: FilesHasher, where: string): Promise<Result<{ tools: NodeTools; states: RemoteState[]; localSha: Map<string, string> }, TransportFailureCode>> {
  const r = await shell.run(inspectScript(root), Buffer.from(files.map((f) => nameRecord(f.rel)).join('')), 300_000);
  if (!r.ok) return r;
  const head = parsePrepareOutput(r.value.stdout);
  if (head.mkdirError) return fail('remote_mkdir_failed', `${where}: cannot create ${root}: ${head.mkdirError}`);
  if (!head.shaTool) return fail('remote_tool_missing', `${where}: the node has neither openssl, sha256sum nor shasum; install coreutils`);
  if (!head.decodeFlag) return fail('remote_tool_missing', `${where}: the node has no working 'base64' command; install coreutils`);
  const stats = parseInspect(r.value.stdout, files.length);
  if (!stats.ok) return fail('remote_error', `${where}: listing ${root} failed: ${stats.message}${r.value.stderr ? ` (${r.value.stderr})` : ''}`);
  const states: RemoteState[] = stats.value.map((s, i) => {
    const f = files[i];
    if (s.kind === 'missing') return { kind: 'missing' };
    if (s.kind === 'other' || s.size !== f.size) return { kind: 'differs' };
    return s.mtimeS === mtimeSeconds(f) ? { kind: 'same' } : { kind: 'differs' };
  });
  const candidates = files.filter((f, i) => { const s = stats.value[i]; return s.kind === 'file' && s.size === f.size && s.mtimeS !== mtimeSeconds(f); });
  const [remote, local] = await Promise.all([hashOnNode(shell, root, candidates.map((f) => f.rel), where), hashes.hashes(candidates, where)]);
  if (!remote.ok) return remote;
  if (!local.ok) return local;
  const byRel = new Map(candidates.map((f, i) => [f.rel, remote.value[i]]));
  files.forEach((f, i) => { const sha = byRel.get(f.rel); if (sha) states[i] = { kind: 'hashed', sha256: sha }; });
  return ok({ tools: { sha: head.shaTool, decode: head.decodeFlag, tar: /^tar=present$/m.test(r.value.stdout) }, states, localSha: local.value });
}
