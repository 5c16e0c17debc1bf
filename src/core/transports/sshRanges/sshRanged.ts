import { setMaxListeners } from 'node:events';
import * as fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { rangeBytesFor } from '../../byteRanges';
import type { NodeSpec, SshTransportKind } from '../../hosts/nodeSpec';
import { describeError, ok, type Failure, type Result } from '../../result';
import type { SshOverrides } from '../../ssh/connect';
import type { ExecResult, SshSession } from '../../ssh/session';
import type { SshErrorCode } from '../../ssh/sshErrors';
import { cellHashesInWorker, type CellHashes, type LocalHashFailure } from '../hashWorker';
import { StreamScaler, type StreamsSetting } from '../streamCount';
import { progressTicker } from '../progressTicker';
import type { PartialProgress, PushProgress, TransportOptions } from '../transport';
import type { PushMeter } from '../rangeProgress';
import { parseFinishOutput, type ShaTool } from '../base64/remoteFileOps';
import type { RangeDialect } from './rangeDialect';
import { FinishExec } from './finishExec';
import { SshRangeSender } from './sshRangeSender';
import { planRanges } from './rangePlan';
import { promptsOncePerPush } from './pushPrompts';
import * as scripts from './rangedScripts';

/** Bound on the inspect command (which also starts a fresh transfer) once connected. */
const COMMAND_TIMEOUT_MS = 60_000;
/** Listeners one push puts on its signal at most: a login or three range commands per stream (32 at most), and a few more. */
const MAX_LISTENERS = 112;
const MiB = 1 << 20;

/** Why a ranged SSH push failed: the SSH layer's codes, or what the node's commands or the local file reported. */
export type SshRangesFailure =
  | SshErrorCode
  | 'remote_error'
  | 'remote_tool_missing'
  | 'target_is_dir'
  | 'disk_full'
  | 'checksum_mismatch'
  | 'local_unreadable'
  | 'idle_timeout';
export type RangesFail = Failure<SshRangesFailure>;

interface RangedPushDeps {
  /** The rung pushing, for messages (`node X: rsync ranges to T`). */
  transport: SshTransportKind;
  dialect: RangeDialect;
  node: NodeSpec;
  opts: TransportOptions;
  sshOverrides: SshOverrides;
  localPath: string;
  size: number;
  /** The target as sshRemotePath resolved it. */
  resolved: string;
  streams: StreamsSetting;
  /** The push's login: the first stream runs on it; the caller closes it. */
  ssh: SshSession;
  progress: PushProgress;
  signal: AbortSignal;
  /** The file's sha256 and its cells' (cellHashesInWorker on the rangeBytesFor grid), when the caller started them already. */
  hashes?: Promise<Result<CellHashes, LocalHashFailure>>;
  /** What inspectCommand answered for this file when the caller ran it already (the rsync rung, as its look): the first pass takes it. */
  inspected?: ExecResult;
}

/**
 * inspectCommand on the node for the file `id` names: tools, free space, what it kept of this
 * transfer, or a fresh start (unless `older` keeps a file at the target).
 */
export function inspectNode(ssh: SshSession, paths: scripts.RangedFilePaths, id: scripts.RangedIdentity, dialect: RangeDialect, older: scripts.OlderTarget, signal: AbortSignal) {
  return ssh.exec(scripts.inspectCommand(paths, id, dialect.detection, older), { signal, timeoutMs: COMMAND_TIMEOUT_MS });
}

/** How a ranged push ended; a failure says how many verified bytes the node gained. */
export type SshRangedOutcome = { ok: true; bytesSent: number; sha256: string; streams: number } | (RangesFail & { partial?: PartialProgress });

/**
 * One big file as ranges over several SSH connections (rangedScripts.ts has the node's side):
 *   1. the whole file's sha256 and each range's, in one read on a worker thread (the sha256 names
 *      the transfer on the node, each range's is checked there);
 *   2. inspect: tools, free space, and the ranges the node kept of this very file; a partial of
 *      another file (or none) is replaced by a fresh sparse one;
 *   3. the missing ranges over up to `streams` connections (SshRangeSender), written as the
 *      dialect says (base64 text or the bytes themselves);
 *   4. finish (FinishExec, opened before the ranges): the node hashes the whole partial, reading
 *      its verified prefix as it grows, and renames it over the target only on a match.
 * A resumed transfer whose whole hash is wrong (the kept ranges were not good) was dropped on the
 * node: it starts over once.
 */
export async function pushSshRanged(d: RangedPushDeps): Promise<SshRangedOutcome> {
  // Every stream's exec and login listens on the signal: a signal of our own, with room for them all.
  const own = new AbortController();
  setMaxListeners(MAX_LISTENERS, own.signal);
  const onAbort = () => own.abort();
  if (d.signal.aborted) own.abort();
  d.signal.addEventListener('abort', onAbort, { once: true });
  const run = new RangedRun({ ...d, opts: promptsOncePerPush(d.opts), signal: own.signal });
  try {
    return await run.run();
  } finally {
    d.signal.removeEventListener('abort', onAbort);
    await run.close();
  }
}

class RangedRun {
  private readonly paths: scripts.RangedFilePaths;
  /** `rsync ranges to T`, and with the node: `node X: rsync ranges to T`. */
  private readonly label: string;
  private readonly where: string;
  private readonly meter: PushMeter = { onNode: 0, sent: 0 };
  private readonly scaler: StreamScaler;
  private readonly report: () => void;
  private readonly stopTicker: () => void;
  private file: FileHandle | undefined;
  /** The local file's mtime, which the landed file takes. */
  private mtime = new Date();
  private peakStreams = 1;
  /** The caller's inspect (RangedPushDeps.inspected), for the first pass only. */
  private firstInspect: ExecResult | undefined;

  constructor(private readonly d: RangedPushDeps) {
    this.paths = scripts.rangedFilePaths(d.resolved);
    this.label = `${d.transport} ranges to ${this.paths.target}`;
    this.where = `node ${d.node.name}: ${this.label}`;
    // One scaler for the whole push: a second attempt starts where the first one settled.
    this.scaler = new StreamScaler(d.streams, { rttMs: d.ssh.rttMs });
    this.firstInspect = d.inspected;
    ({ report: this.report, stop: this.stopTicker } = progressTicker(d.progress, () => ({ done: this.meter.onNode, total: d.size })));
  }

  async close(): Promise<void> {
    this.stopTicker();
    await this.file?.close().catch(() => undefined);
  }

  private fail(code: SshRangesFailure, detail: string): RangesFail {
    return { ok: false, code, message: `${this.where}: ${detail}` };
  }

  async run(): Promise<SshRangedOutcome> {
    const { d } = this;
    let file: FileHandle;
    try {
      file = this.file = await fs.promises.open(d.localPath, 'r');
      this.mtime = (await file.stat()).mtime;
    } catch (err) {
      return this.fail('local_unreadable', `cannot read ${d.localPath}: ${describeError(err)}; nothing was sent`);
    }
    const hashes = await (d.hashes ?? cellHashesInWorker(d.localPath, d.size, rangeBytesFor(d.size), d.signal));
    if (!hashes.ok) return this.fail(hashes.code === 'cancelled' ? 'cancelled' : 'local_unreadable', `${hashes.message}; nothing was sent`);
    const first = await this.attempt(d.ssh, file, hashes.value);
    if (first.ok || !first.startOver) return first;
    return this.attempt(d.ssh, file, hashes.value);
  }

  /** One pass: inspect, send what is missing, finish. `startOver`: a resumed transfer proved wrong. */
  private async attempt(ssh: SshSession, file: FileHandle, h: CellHashes): Promise<SshRangedOutcome & { startOver?: boolean }> {
    const { d, paths } = this;
    const id = { size: d.size, sha256: h.sha256 };
    const inspected = this.firstInspect ? ok(this.firstInspect) : await inspectNode(ssh, paths, id, d.dialect, 'replace', d.signal);
    this.firstInspect = undefined;
    if (!inspected.ok) return { ok: false, code: inspected.code, message: `${inspected.message} (${this.label}, inspecting the node)` };
    const report = scripts.parseInspectOutput(inspected.value.stdout, d.size, rangeBytesFor(d.size));
    const tools = this.toolsOf(report);
    if (!tools.ok) return tools;
    const plan = planRanges(report.kept, d.size);
    if (report.freeBytes !== undefined && report.freeBytes < d.size - plan.doneBytes) {
      return this.fail('disk_full', `needs ${d.size - plan.doneBytes} bytes but ${paths.dir} has ${report.freeBytes} free; free space on the node (nothing was written, the old file is intact)`);
    }
    if (!report.kept && !report.start?.ok) return this.startFailed(report.start, inspected.value);
    this.meter.onNode = plan.doneBytes;
    const finishing = new FinishExec(ssh, scripts.rangedFinishCommand(paths, tools.value.tool, this.mtime), report.kept ?? [], d.signal);
    const sender = new SshRangeSender(
      { ...d, paths, label: this.label, where: this.where, file, tools: tools.value, cells: h.cells, rangeBytes: plan.rangeBytes, scaler: this.scaler, meter: this.meter, landed: (r) => finishing.landed(r) },
      plan.queue, plan.doneBytes, ssh,
    );
    const failed = await sender.run();
    this.peakStreams = Math.max(this.peakStreams, sender.peakStreams);
    if (failed) {
      finishing.close();
      // Ranges whose `range-ok` came back: the node printed it after appending to its sidecar, so
      // this is read from the node, not bytes written to a socket (transport.ts, RangesFailure.partial).
      const after = plan.doneBytes + sender.progress.landedBytes;
      return { ...failed, ...(after > plan.doneBytes ? { partial: { before: plan.doneBytes, after } } : {}) };
    }
    return this.finish(finishing, id, plan.doneBytes);
  }

  /** What the node's range commands run with (the dialect's decoder, a sha256 tool), or why the push cannot go on. */
  private toolsOf(report: scripts.InspectReport): Result<{ decoder: scripts.RangeDecoder | undefined; tool: ShaTool }, SshRangesFailure> {
    const nothing = 'nothing was written';
    if (report.mkdirError) return this.fail('remote_error', `cannot create the directory ${this.paths.dir}: ${report.mkdirError}`);
    if (report.targetIsDir) return this.fail('target_is_dir', `${this.paths.target} is a directory on the node; give a file name`);
    const decoder = this.d.dialect.decoderOn(report);
    if (!decoder.ok) return this.fail(decoder.code, `${decoder.message}; ${nothing}`);
    if (!report.shaTool) return this.fail('remote_tool_missing', `the node has no sha256 tool (openssl, sha256sum or shasum) to verify the file; ${nothing}`);
    if (!report.ddPresent) return this.fail('remote_tool_missing', `the node has no 'dd' to write ranges in place (install coreutils, or push with --streams 1); ${nothing}`);
    return ok({ decoder: decoder.value, tool: report.shaTool });
  }

  /** The inspect command could not start the transfer afresh (a sparse partial and its sidecar). */
  private startFailed(start: scripts.StartOutcome | undefined, out: { stdout: string; stderr: string; code: number | null }): RangesFail {
    const text = (start && !start.ok && start.text) || out.stderr.trim() || `no answer (exit ${out.code})`;
    return this.fail(/No space left|Disk quota/i.test(text) ? 'disk_full' : 'remote_error', `cannot create ${this.paths.partial}: ${text}`);
  }

  /** The node's hash of the whole partial (read as its ranges landed) must be ours for the rename. */
  private async finish(finishing: FinishExec, id: scripts.RangedIdentity, before: number): Promise<SshRangedOutcome & { startOver?: boolean }> {
    const { d, paths } = this;
    // What is left to hash may be most of a big partial (a resumed one's kept ranges out of order): the idle bound plus a second per 100 MiB (a slow disk).
    const timeoutMs = d.opts.idleTimeoutMs + Math.ceil(d.size / (100 * MiB)) * 1000;
    const r = await finishing.commit(id.sha256, timeoutMs);
    const landed = { before, after: d.size };
    if (!r.ok) return { ok: false, code: r.code, message: `${r.message} (${this.label}, verifying); every range is on the node, the next push only verifies`, ...(d.size > before ? { partial: landed } : {}) };
    const outcome = parseFinishOutput(r.value.stdout);
    switch (outcome.kind) {
      case 'ok':
        this.meter.onNode = d.size;
        this.report();
        return { ok: true, bytesSent: this.meter.sent, sha256: id.sha256, streams: this.peakStreams };
      case 'mismatch':
        return {
          ...this.fail('checksum_mismatch', `the assembled ranges hash to ${outcome.remoteSha || '(nothing)'} on the node, ours is ${id.sha256}; partial and sidecar were dropped, the old file is intact; push again`),
          startOver: before > 0,
        };
      case 'target_is_dir':
        return this.fail('target_is_dir', `${paths.target} became a directory on the node; give a file name`);
      default:
        return this.fail('remote_error', `verifying the file failed (exit ${r.value.code}): ${r.value.stderr || outcome.text || 'no output'}`);
    }
  }
}
