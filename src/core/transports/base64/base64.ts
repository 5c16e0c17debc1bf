import * as fs from 'node:fs';
import type { NodeSpec } from '../../hosts/nodeSpec';
import { withDeadline } from '../../deadline';
import { describeError, type Result } from '../../result';
import { rangeBytesFor } from '../../byteRanges';
import { knownRoundTrip } from '../roundTrips';
import type { CellHashes, LocalHashFailure } from '../hashWorker';
import { fileCellHashes } from '../cellHashCache';
import { DEFAULT_STREAMS, rangesWanted } from '../streamCount';
import { hashesWhenFar } from '../earlyHashes';
import { Base64PushRun, type Base64PushFailure } from './base64Push';
import { base64Dialect } from '../sshRanges/base64Dialect';
import { pushSshRanged } from '../sshRanges/sshRanged';
import { openSsh, type SshOverrides } from '../../ssh/connect';
import type { SshSession } from '../../ssh/session';
import * as ops from './remoteFileOps';
import { probeLogin, pushLogin, type ProbeRound } from '../probeRound';
import { sshRemotePath, type RemotePathError } from '../remotePath';
import { bytesPerSecond, type PartialProgress, type ProbeResult, type PushJob, type PushProgress, type PushResult, type Transport, type TransportOptions } from '../transport';

/** Every code the base64 transport reports: its probe's are a subset of its push's. */
export type Base64Failure = Base64PushFailure | RemotePathError;
type Fail = { code: Base64Failure; message: string };

/**
 * The last resort of the chain: the file goes as base64 text through `base64 -d >> PARTIAL` over
 * ssh2 exec, one exec per `base64ChunkBytes` of the file, resuming from the partial's size on the
 * node, and is renamed into place only after the node's sha256 of it equals ours. A file of
 * RANGED_MIN_BYTES or more goes as ranges over several SSH connections instead when rangesWanted
 * says so (sshRanges/sshRanged.ts: one TCP stream is capped far below a lossy long link's rate).
 */
export class Base64Transport implements Transport {
  readonly kind = 'base64' as const;

  constructor(
    private readonly opts: TransportOptions,
    private readonly sshOverrides: SshOverrides = {},
  ) {}

  /** A big file's hashes start once the probe's login shows the node far (ranges need them first). */
  prepare(node: NodeSpec, job: PushJob, signal: AbortSignal): () => void {
    return hashesWhenFar(node, job, this.opts.streams ?? DEFAULT_STREAMS, signal, 'ssh', 'ranges');
  }

  probe(node: NodeSpec, signal: AbortSignal, round: ProbeRound): Promise<ProbeResult> {
    const started = Date.now();
    return withDeadline(signal, this.opts.probeTimeoutMs, (bound) => this.probeWithin(node, bound, signal, round, started));
  }

  /** The probe under its bound (`bound`), told apart from the caller's cancel (`signal`). */
  private async probeWithin(node: NodeSpec, bound: AbortSignal, signal: AbortSignal, round: ProbeRound, started: number): Promise<ProbeResult> {
    const done = (success: boolean, message: string, code?: Base64Failure): ProbeResult => ({
      transport: 'base64', success, message, latencyMs: Date.now() - started, ...(code ? { code } : {}),
    });
    const ssh = await round.ssh((s) => probeLogin(node, this.opts, s));
    if (!ssh.ok) return done(false, ssh.code === 'timeout' ? ssh.message : `${ssh.message} (base64 probe)`, ssh.code);
    const r = await ssh.value.exec(ops.PROBE_COMMAND, { signal: bound });
    if (!r.ok) {
      // Our own bound fired (not the caller's cancel): say so, not the "cancelled" the SSH layer reports.
      const message = timedOut(bound, signal)
        ? `node ${node.name}: base64: the probe command did not finish within the ${this.opts.probeTimeoutMs / 1000} s probe bound (node or sshd overloaded, or a hung login shell)`
        : `${r.message} (base64 probe)`;
      return done(false, message, timedOut(bound, signal) ? 'timeout' : r.code);
    }
    const out = r.value.stdout;
    if (!/^ok$/m.test(out)) return done(false, `node ${node.name}: base64: the remote shell did not answer 'ok' (${r.value.stderr || out.trim() || 'no output'})`, 'remote_error');
    if (!/^base64=present$/m.test(out)) return done(false, `node ${node.name}: base64: the node has no 'base64' command; install coreutils`, 'remote_tool_missing');
    const sha = /^sha=(\S+)$/m.exec(out)?.[1];
    if (!sha) return done(false, `node ${node.name}: base64: the node has neither 'sha256sum' nor 'shasum'; install coreutils (or perl for shasum)`, 'remote_tool_missing');
    return done(true, `node ${node.name}: base64 over SSH ok (${sha}), ${Date.now() - started} ms`);
  }

  async push(node: NodeSpec, job: PushJob, progress: PushProgress, signal: AbortSignal, round?: ProbeRound): Promise<PushResult> {
    const started = Date.now();
    const failed = (f: Fail, partial?: PartialProgress): PushResult =>
      ({ ok: false, transport: 'base64', code: f.code, message: f.message, durationMs: Date.now() - started, ...(partial ? { partial } : {}) });
    const resolved = sshRemotePath(job.remotePath, node.remoteBase);
    if (!resolved.ok) return failed({ code: resolved.code, message: `node ${node.name}: base64: ${resolved.message}` });
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(job.localPath);
      if (!st.isFile()) return failed({ code: 'local_unreadable', message: `${job.localPath} is not a regular file; nothing was sent to node ${node.name}` });
    } catch (err) {
      return failed({ code: 'local_unreadable', message: `cannot read ${job.localPath}: ${describeError(err)}; nothing was sent to node ${node.name}` });
    }
    const streams = this.opts.streams ?? DEFAULT_STREAMS;
    const size = st.size;
    // Ranges are named by the file's hashes: read beside the login, dropped if one stream goes.
    const hashes = rangesWanted(size, streams, knownRoundTrip(node.name)) ? fileCellHashes(job.localPath, st, rangeBytesFor(size), signal) : undefined;
    const login = await pushLogin(round, () => openSsh(node, this.opts, signal, this.sshOverrides));
    if (!login.ok) return hashes?.drop(), failed({ code: login.code, message: `${login.message} (base64 push)` });
    let pushed = false;
    try {
      const ssh = login.value.session;
      const at = { node, job, size, resolved: resolved.value, ssh, progress, signal, started };
      // The login measured the node's round trip: 'auto' sends ranges only where one stream is loss-bound.
      const ranges = rangesWanted(size, streams, ssh.rttMs);
      if (!ranges) hashes?.drop();
      const r = ranges ? await this.pushRanges(at, hashes?.result) : await this.pushOneStream(at);
      pushed = r.ok;
      return r;
    } finally {
      login.value.release(pushed);
    }
  }

  private async pushRanges(at: PushAt, hashes: Promise<Result<CellHashes, LocalHashFailure>> | undefined): Promise<PushResult> {
    const { node, job, size, resolved, ssh, progress, signal, started } = at;
    const streams = this.opts.streams ?? DEFAULT_STREAMS;
    const r = await pushSshRanged({ transport: 'base64', dialect: base64Dialect, node, opts: this.opts, sshOverrides: this.sshOverrides, localPath: job.localPath, size, resolved, streams, ssh, progress, signal, hashes });
    const durationMs = Date.now() - started;
    if (!r.ok) return { ok: false, transport: 'base64', code: r.code, message: r.message, durationMs, ...(r.partial ? { partial: r.partial } : {}) };
    return { ok: true, transport: 'base64', bytes: size, bytesSent: r.bytesSent, sha256: r.sha256, durationMs, remotePath: resolved, streams: r.streams, rateBytesPerS: bytesPerSecond(r.bytesSent, durationMs) };
  }

  private async pushOneStream(at: PushAt): Promise<PushResult> {
    const { node, job, size, resolved, ssh, progress, signal, started } = at;
    const paths = ops.remoteFilePaths(resolved);
    const where = `node ${node.name}: base64 push to ${paths.target}`;
    const run = new Base64PushRun(where, job.localPath, size, paths, ssh, this.opts, progress, signal);
    let outcome = await run.attempt();
    // A resumed partial from an older version of the file fails the check; start over once.
    if (!outcome.ok && outcome.code === 'checksum_mismatch' && (run.resumedFrom ?? 0) > 0) outcome = await run.attempt();
    if (outcome.ok) return { ok: true, transport: 'base64', bytes: size, bytesSent: outcome.bytesSent, sha256: outcome.sha256, durationMs: Date.now() - started, remotePath: resolved };
    ssh.close(); // the partial's size is read over a new session: this one is often what broke
    const partial = await this.partialAfter(node, paths, run.resumedFrom, signal);
    return { ok: false, transport: 'base64', code: outcome.code, message: outcome.message, durationMs: Date.now() - started, ...(partial ? { partial } : {}) };
  }

  /**
   * After a try that began writing: the partial's size now, over a new SSH session (the old one
   * is often what broke), bounded like a probe. Undefined when the node cannot be asked.
   */
  private async partialAfter(node: NodeSpec, paths: ops.RemoteFilePaths, before: number | undefined, signal: AbortSignal): Promise<PartialProgress | undefined> {
    if (before === undefined || signal.aborted) return undefined;
    return withDeadline(signal, this.opts.probeTimeoutMs, async (bound) => {
      const ssh = await openSsh(node, this.opts, bound, this.sshOverrides);
      if (!ssh.ok) return undefined;
      try {
        const r = await ssh.value.exec(ops.partialSizeCommand(paths), { signal: bound });
        const after = r.ok && r.value.code === 0 ? ops.parsePrepareOutput(r.value.stdout).partialSize : undefined;
        return after === undefined ? undefined : { before, after };
      } finally {
        ssh.value.close();
      }
    });
  }
}

/** One push once logged in: what its two ways (ranges, one stream) share. */
interface PushAt {
  node: NodeSpec;
  job: PushJob;
  size: number;
  /** The target as sshRemotePath resolved it. */
  resolved: string;
  ssh: SshSession;
  progress: PushProgress;
  signal: AbortSignal;
  started: number;
}

function timedOut(bound: AbortSignal, caller: AbortSignal): boolean {
  return bound.aborted && !caller.aborted;
}
