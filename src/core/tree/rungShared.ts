import type { TransportFailureCode } from '../transports/failureCodes';
import { fail, ok, type Result } from '../result';
import { dirsScript, indexedRecord } from './remoteScripts';
import type { RemoteShell } from './remoteShell';
import { someNames } from './treeRun';

/** Helpers more than one rung uses. */

/** A node-side write that exited non-zero: a full disk said so, anything else as the node said it. */
export function remoteWriteFailure(where: string, path: string, stderr: string, tool: string): [TransportFailureCode, string] {
  const said = stderr.split('\n').filter(Boolean).pop() ?? 'no message';
  if (/No space left|Disk quota/i.test(stderr)) return ['disk_full', `${where}: disk full writing under ${path} (${tool}: ${said}); nothing was renamed into place: free space there and sync again`];
  return ['remote_error', `${where}: writing under ${path} failed (${tool}: ${said}); nothing was renamed into place`];
}

/**
 * Creates the root and the tree's directories on the node, parents first, refusing to write
 * through a symlinked directory there (it could lead out of the root).
 */
export async function makeDirs(shell: RemoteShell, root: string, dirs: string[], where: string): Promise<Result<void, TransportFailureCode>> {
  const r = await shell.run(dirsScript(root), Buffer.from(dirs.map((d, i) => indexedRecord(i, d)).join('')), 120_000);
  if (!r.ok) return r;
  if (/^mkdir-error=/m.test(r.value.stdout)) return fail('remote_mkdir_failed', `${where}: cannot create ${root}: ${r.value.stdout.trim()}`);
  const bad = r.value.stdout.split('\n').map((l) => /^(link|notdir|mkdir) (\d+)$/.exec(l)).filter((m) => m !== null);
  if (bad.length === 0 && r.value.code === 0) return ok(undefined);
  const links = bad.filter((m) => m[1] === 'link').map((m) => dirs[Number(m[2])]);
  if (links.length) return fail('unsafe_remote_path', `${where}: under ${root}, ${someNames(links)} is a symlink on the node; writing through it could leave ${root}: remove it there`);
  const other = bad.map((m) => dirs[Number(m[2])]);
  return fail('remote_mkdir_failed', `${where}: cannot create the directories ${someNames(other)} under ${root} (a file in the way, or no permission)${r.value.stderr ? `: ${r.value.stderr}` : ''}`);
}
