import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { describeError } from '../result';
import { isReservedName, type LocalTree, type TreeFile, type TreeRefusal } from './localTree';

/**
 * Walks a local directory into a LocalTree. Symlinks are followed once: a link to a file or a
 * directory inside the tree is read as if it were one, under the link's own name; a link whose
 * target leaves the tree, does not exist, or contains the link (a cycle) is refused. Every refusal
 * is collected, so one walk lists everything in the way; nothing is sent when any exists.
 */

export interface WalkResult {
  tree: LocalTree;
  refusals: TreeRefusal[];
}

interface WalkState {
  realRoot: string;
  files: TreeFile[];
  refusals: TreeRefusal[];
}

export async function walkTree(root: string): Promise<WalkResult> {
  const abs = path.resolve(root);
  const realRoot = await fs.realpath(abs);
  const state: WalkState = { realRoot, files: [], refusals: [] };
  await walkDir(state, abs, '', [realRoot]);
  state.files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  state.refusals.sort((a, b) => (a.path < b.path ? -1 : 1));
  const tree: LocalTree = { root: abs, files: state.files, dirs: dirsOf(state.files), totalBytes: state.files.reduce((n, f) => n + f.size, 0) };
  return { tree, refusals: state.refusals };
}

/** `ancestors`: real paths of the directories from the root down to this one (a link to one is a cycle). */
async function walkDir(state: WalkState, dir: string, rel: string, ancestors: string[]): Promise<void> {
  let names: string[];
  try {
    names = (await fs.readdir(dir)).sort();
  } catch (err) {
    state.refusals.push({ path: rel || '.', reason: 'unreadable', detail: `cannot list ${rel || '.'}: ${describeError(err)}` });
    return;
  }
  // All entries at once, not one thread-pool round trip after another; the walk sorts what it
  // found at the end, so the order they finish in is moot.
  await Promise.all(names.map((name) => walkEntry(state, path.join(dir, name), rel ? `${rel}/${name}` : name, name, ancestors)));
}

async function walkEntry(state: WalkState, abs: string, rel: string, name: string, ancestors: string[]): Promise<void> {
  const refuse = (reason: TreeRefusal['reason'], detail: string) => state.refusals.push({ path: rel, reason, detail });
  if (isReservedName(name)) return void refuse('reserved_name', `${rel}: the name is reserved for the sync's own partial and staging files on the node`);
  let st;
  try {
    st = await fs.lstat(abs);
  } catch (err) {
    return void refuse('unreadable', `cannot read ${rel}: ${describeError(err)}`);
  }
  if (st.isSymbolicLink()) return followLink(state, abs, rel, ancestors);
  if (st.isDirectory()) return walkDir(state, abs, rel, [...ancestors, await fs.realpath(abs)]);
  if (st.isFile()) return void state.files.push({ rel, abs, size: st.size, mtimeMs: st.mtimeMs });
  refuse('special_file', `${rel} is a socket, FIFO or device: it has no bytes to sync`);
}

/** A symlink: followed when its target is inside the tree and is not one of its own ancestors. */
async function followLink(state: WalkState, abs: string, rel: string, ancestors: string[]): Promise<void> {
  const refuse = (reason: TreeRefusal['reason'], detail: string) => state.refusals.push({ path: rel, reason, detail });
  const link = await fs.readlink(abs).catch(() => '?');
  let real: string;
  try {
    real = await fs.realpath(abs);
  } catch {
    return void refuse('dangling_symlink', `${rel} is a symlink to ${link}, which does not exist`);
  }
  if (!isInside(state.realRoot, real)) return void refuse('symlink_outside', `${rel} is a symlink to ${link} (${real}), outside the tree ${state.realRoot}: refused`);
  const st = await fs.stat(real).catch(() => undefined);
  if (st?.isDirectory()) {
    if (ancestors.includes(real)) return void refuse('symlink_cycle', `${rel} is a symlink to ${link}, a directory that contains it: a cycle`);
    return walkDir(state, real, rel, [...ancestors, real]);
  }
  if (st?.isFile()) return void state.files.push({ rel, abs: real, size: st.size, mtimeMs: st.mtimeMs });
  refuse('special_file', `${rel} is a symlink to ${link}, which is not a regular file or directory`);
}

function isInside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/** Every directory holding a file, parents first. */
function dirsOf(files: TreeFile[]): string[] {
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.rel.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return [...dirs].sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1));
}
