import type { TreeFile } from './localTree';

/**
 * What a rung sends, from what the node holds. Pure. A file is up to date when the node has a
 * regular file of the same size and the same mtime (in whole seconds, what every node's stat and
 * tar keep); of the same size but another mtime, its sha256 decides; anything else is sent.
 */

/** The node's answer for one file of the tree (in the tree's order). */
export type RemoteState =
  | { kind: 'missing' }
  /** Same size and mtime: up to date without reading it. */
  | { kind: 'same' }
  /** Another size (or not a regular file: a directory or a symlink in the way). */
  | { kind: 'differs' }
  /** Same size, other mtime: its sha256 as the node computed it. */
  | { kind: 'hashed'; sha256: string };

export interface FilePlan {
  /** Sent this time. */
  send: TreeFile[];
  /** Already on the node with these bytes. */
  skip: TreeFile[];
  /** Same bytes, other mtime: the node's mtime is set to ours (no data sent) so the next sync skips without hashing. */
  touch: TreeFile[];
}

/** `localSha`: the local sha256 of each file the node hashed (asked only for those). */
export function planFiles(files: TreeFile[], remote: RemoteState[], localSha: ReadonlyMap<string, string>): FilePlan {
  const plan: FilePlan = { send: [], skip: [], touch: [] };
  files.forEach((f, i) => {
    const r = remote[i] ?? { kind: 'missing' };
    if (r.kind === 'same') plan.skip.push(f);
    else if (r.kind === 'hashed' && localSha.get(f.rel) === r.sha256) plan.touch.push(f);
    else plan.send.push(f);
  });
  return plan;
}

/** mtime in whole seconds, as the node's stat prints it and `touch -t` sets it. */
export function mtimeSeconds(f: Pick<TreeFile, 'mtimeMs'>): number {
  return Math.floor(f.mtimeMs / 1000);
}

/** Names under the remote root that are not files of the tree: what `--delete` removes. */
export function extraRemoteFiles(remoteNames: string[], files: TreeFile[]): string[] {
  const local = new Set(files.map((f) => f.rel));
  return remoteNames.filter((n) => !local.has(n)).sort();
}
