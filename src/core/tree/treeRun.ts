import { createHash } from 'node:crypto';
import type { TransportKind } from '../hosts/nodeSpec';
import type { PushFailure, PushLimit, PushResult, TransportOptions } from '../transports/transport';
import type { TransportFailureCode } from '../transports/failureCodes';
import type { FilesHasher } from './filesHasher';
import type { LocalTree, TreeFile } from './localTree';

/**
 * One node's tree sync across the rungs of its escalation: which files are still to be put on the
 * node (a rung that lands some and fails leaves only the rest to the next), what each sent or
 * skipped, and which files a rung refused (the orchestrator's limits) and which rung took them.
 */

/** A file one rung could not take (a limit of its server), and the rung that took it instead. */
interface FileRefusal {
  path: string;
  reason: PushLimit;
  transport: TransportKind;
  /** The rung that landed it after all; absent when none did. */
  sentBy?: TransportKind;
}

/** The `files` field of a tree sync's result (`sync --json`). */
export interface FilesReport {
  total: number;
  /** Written on the node this time. */
  sent: number;
  /** Already there with the same bytes: not written. */
  skipped: number;
  refused: FileRefusal[];
  /** Removed from the node (`--delete`). */
  deleted: number;
}

/** Progress of a tree sync on one node: files and bytes (bytes of the files being sent). */
export interface TreeProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface TreeJob {
  tree: LocalTree;
  /** The remote directory as the user gave it (relative: under the node's base). */
  remoteDir: string;
  delete: boolean;
  /** The local files' sha256, each computed once for every node of the sync. */
  hashes: FilesHasher;
}

export class TreeRun {
  private readonly pending: Map<string, TreeFile>;
  readonly report: FilesReport;
  bytesSent = 0;
  deletePending: boolean;

  constructor(
    readonly node: string,
    readonly job: TreeJob,
    private readonly onProgress: (transport: TransportKind, p: TreeProgress) => void,
    /** With `job.delete`: the only names this node may remove (a dry run's, approved); absent: every extra. */
    readonly deleteOnly?: ReadonlySet<string>,
  ) {
    this.pending = new Map(job.tree.files.map((f) => [f.rel, f]));
    this.report = { total: job.tree.files.length, sent: 0, skipped: 0, refused: [], deleted: 0 };
    this.deletePending = job.delete && (deleteOnly === undefined || deleteOnly.size > 0);
  }

  /** Files not on the node yet, in the tree's order. */
  pendingFiles(): TreeFile[] {
    return this.job.tree.files.filter((f) => this.pending.has(f.rel));
  }

  /** A rung put `rel` on the node (`sent`) or found it there already. */
  landed(rel: string, transport: TransportKind, sent: boolean, bytesSent: number): void {
    if (!this.pending.delete(rel)) return;
    if (sent) this.report.sent++;
    else this.report.skipped++;
    this.bytesSent += bytesSent;
    for (const r of this.report.refused) if (r.path === rel) r.sentBy = transport;
  }

  refused(rel: string, reason: PushLimit, transport: TransportKind): void {
    if (this.report.refused.some((r) => r.path === rel && r.transport === transport)) return;
    this.report.refused.push({ path: rel, reason, transport });
  }

  /** Reports progress: `bytesDone` of the current rung's transfer, out of `bytesTotal`. */
  progress(transport: TransportKind, bytesDone: number, bytesTotal: number): void {
    const filesDone = this.report.sent + this.report.skipped;
    try {
      this.onProgress(transport, { filesDone, filesTotal: this.report.total, bytesDone, bytesTotal });
    } catch {
      /* a failing display must not break the transfer */
    }
  }

  /** The rung's success: the whole tree is on the node. */
  success(transport: TransportKind, remotePath: string, started: number): PushResult {
    const nothing = this.report.sent === 0 && this.report.deleted === 0;
    return {
      ok: true, transport, bytes: this.job.tree.totalBytes, bytesSent: this.bytesSent, sha256: manifestSha256(this.job.tree),
      durationMs: Date.now() - started, remotePath, ...(nothing ? { skipped: true } : {}),
    };
  }
}

/** A rung's failure; every message names node, transport and (where one is at fault) the path. */
export function treeFailure(transport: TransportKind, code: TransportFailureCode, message: string, started: number, limit?: PushLimit): PushFailure {
  return { ok: false, transport, code, message, durationMs: Date.now() - started, ...(limit ? { limit } : {}) };
}

/** What a tree sync reports as its `sha256`: of the tree's listing (each name and size), not of the bytes. */
function manifestSha256(tree: LocalTree): string {
  const h = createHash('sha256');
  for (const f of tree.files) h.update(`${f.size} ${f.rel}\0`);
  return h.digest('hex');
}

/** What every rung gets. */
export interface RungContext {
  opts: TransportOptions;
  signal: AbortSignal;
}

/** Names for messages: a few, then how many more. */
export function someNames(names: string[], max = 5): string {
  const shown = names.slice(0, max).map((n) => JSON.stringify(n)).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}
