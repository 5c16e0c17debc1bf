import { PARTIAL_DIR } from '../transports/rsync/rsyncArgs';

/**
 * A local directory tree as a sync sends it: its regular files (symlinks inside the tree already
 * followed, each file under the name it is reached by) and what the walk refused. Facts shared by
 * the walker, the planner and every rung.
 */

/** One regular file of the tree. `rel` is `/`-separated, relative to the tree's root, verbatim. */
export interface TreeFile {
  rel: string;
  /** The local path to read (through the symlinks it was reached by). */
  abs: string;
  size: number;
  mtimeMs: number;
}

/**
 * Why an entry of the tree stops the whole sync before anything is sent:
 * - `symlink_outside`: a symlink whose target is not inside the tree;
 * - `symlink_cycle`: a symlink to a directory that contains it (following it never ends);
 * - `dangling_symlink`: a symlink whose target does not exist;
 * - `special_file`: a socket, FIFO or device (no bytes to send);
 * - `unreadable`: the walk could not read the entry;
 * - `reserved_name`: a name the sync itself uses on the node (partials, staging).
 */
type TreeRefusalReason = 'symlink_outside' | 'symlink_cycle' | 'dangling_symlink' | 'special_file' | 'unreadable' | 'reserved_name';

export interface TreeRefusal {
  /** The entry, relative to the tree's root. */
  path: string;
  reason: TreeRefusalReason;
  /** One line: what it is and where it points. */
  detail: string;
}

export interface LocalTree {
  /** The directory as given (absolute). */
  root: string;
  /** Sorted by `rel`. */
  files: TreeFile[];
  /** Every directory that holds a file, relative, parents before children (no `.`). */
  dirs: string[];
  totalBytes: number;
}

/**
 * Names the sync keeps for itself on the node, never taken from, or given to, a tree: the tree
 * rung's staging directories, rsync's `--partial-dir`, and the `.<name>.ringrift-partial` files the
 * base64 transport and the agent grow beside a target (the same word as rsync's directory).
 */
export const STAGING_PREFIX = '.ringrift-staging-';

export function isReservedName(name: string): boolean {
  return name.startsWith(STAGING_PREFIX) || name.endsWith(PARTIAL_DIR);
}
