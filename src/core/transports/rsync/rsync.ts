import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { NodeSpec } from '../../hosts/nodeSpec';
import { describeError, fail, ok, type Result } from '../../result';
import { runBounded } from '../boundedProcess';
import { sshRemotePath, type RemotePathError } from '../remotePath';
import {
  parseRsyncHelp, rsyncRemotePath, sshOptionArgs, sshTargetOf,
  type RsyncFeatures, type SshTarget,
} from './rsyncArgs';
import { classifyRsyncExit, type RsyncErrorCode } from './rsyncErrors';
import { probeRsync } from './rsyncProbe';
import type { ProbeRound } from '../probeRound';
import { acceptUnknownHostKey, type HostKeyAcceptFailure } from './rsyncHostKeys';
import { pushOnce, type PushPlan, type RsyncOutcome, type RsyncPushFailure } from './rsyncPush';
import { pushRsyncRanges } from './rsyncRanged';
import { hashesWhenFar } from '../earlyHashes';
import { DEFAULT_STREAMS } from '../streamCount';
import type { SshRangesFailure } from '../sshRanges/sshRanged';
import { remoteMkdirScript, sshCommandArgs } from './rsyncVerify';
import { bytesPerSecond, type PartialProgress, type ProbeResult, type PushJob, type PushProgress, type PushResult, type Transport, type TransportOptions } from '../transport';

/**
 * The `rsync` transport: the system rsync over the system ssh (DESIGN.md "SSH"), with the
 * runbook's ssh options, verified host keys, resumable partials, and a sha256 check on the node
 * after every push. A big new file goes as ranges over several SSH connections instead when that
 * pays (rsyncRanged.ts). Never throws: every failure comes back as a value with an actionable message.
 */

/** Every code the rsync transport reports, probe and push. */
export type RsyncFailure =
  | RsyncPushFailure
  | SshRangesFailure
  | HostKeyAcceptFailure
  | RemotePathError
  | 'bad_config'
  | 'local_file_missing'
  | 'unsafe_remote_path'
  | 'remote_mkdir_failed';

/** `rsync --help`, once per PATH: which flags this rsync has. */
const featureCache = new Map<string, Promise<Result<RsyncFeatures, 'local_tool_missing'>>>();

export function localRsyncFeatures(env: NodeJS.ProcessEnv): Promise<Result<RsyncFeatures, 'local_tool_missing'>> {
  const key = env.PATH ?? '';
  let known = featureCache.get(key);
  if (!known) {
    known = runBounded('rsync', ['--help'], { env, signal: new AbortController().signal, deadlineMs: 5000 }).done.then((out) =>
      out.spawnError || !/rsync\s+version/.test(out.stdout)
        ? fail('local_tool_missing', `cannot run rsync on this machine (${out.spawnError ?? 'no version in rsync --help'}): install rsync (apt-get install rsync, brew install rsync)`)
        : ok(parseRsyncHelp(out.stdout)),
    );
    featureCache.set(key, known);
  }
  return known;
}

/** Remote paths rsync 2.x (no protected args) passes through the node's shell unharmed. */
export const SHELL_SAFE_PATH = /^[A-Za-z0-9_@%+=:,./~-]+$/;

export class RsyncTransport implements Transport {
  readonly kind = 'rsync' as const;

  constructor(private readonly opts: TransportOptions) {}

  private get env(): NodeJS.ProcessEnv {
    // English messages from rsync/ssh here and, via ssh's SendEnv LC_*, from the node's shell.
    return { ...this.opts.env, LC_ALL: 'C' };
  }

  /** As base64's: a big file's hashes start once the probe's login shows the node far; not under a bandwidth limit (no ranges then). */
  prepare(node: NodeSpec, job: PushJob, signal: AbortSignal): (() => void) | undefined {
    return node.bandwidthLimitMbps === undefined ? hashesWhenFar(node, job, this.opts.streams ?? DEFAULT_STREAMS, signal, 'ssh', 'ranges') : undefined;
  }

  async probe(node: NodeSpec, signal: AbortSignal, round: ProbeRound): Promise<ProbeResult> {
    const failed = (message: string, code: RsyncFailure): ProbeResult => ({ transport: 'rsync', success: false, message, latencyMs: 0, code });
    const target = sshTargetOf(node);
    if (typeof target === 'string') return failed(target, 'bad_config');
    const features = await localRsyncFeatures(this.env);
    if (!features.ok) return failed(features.message, features.code);
    return probeRsync(node, target, features.value, this.env, this.opts, signal, round);
  }

  async push(node: NodeSpec, job: PushJob, progress: PushProgress, signal: AbortSignal, round?: ProbeRound): Promise<PushResult> {
    const started = Date.now();
    const failed = (code: RsyncFailure, message: string, partial?: PartialProgress): PushResult =>
      ({ ok: false, transport: 'rsync', code, message, durationMs: Date.now() - started, ...(partial ? { partial } : {}) });
    try {
      const target = sshTargetOf(node);
      if (typeof target === 'string') return failed('bad_config', target);
      const resolved = sshRemotePath(job.remotePath, node.remoteBase);
      if (!resolved.ok) return failed(resolved.code, `${node.name}: ${resolved.message}`);
      const localPath = path.resolve(job.localPath);
      const st = await fs.stat(localPath).catch(() => undefined);
      if (!st?.isFile()) return failed('local_file_missing', `local file ${localPath} ${st ? 'is not a regular file' : 'does not exist'}: nothing to push to ${node.name}`);
      const ranged = await pushRsyncRanges({ node, opts: this.opts, localPath, stat: st, resolved: resolved.value, progress, signal, round });
      if (ranged && !ranged.ok) return failed(ranged.code, ranged.message, ranged.partial);
      if (ranged) {
        const { bytesSent, sha256, streams } = ranged;
        const durationMs = Date.now() - started;
        return { ok: true, transport: 'rsync', bytes: st.size, bytesSent, sha256, streams, rateBytesPerS: bytesPerSecond(bytesSent, durationMs), durationMs, remotePath: resolved.value };
      }
      const features = await localRsyncFeatures(this.env);
      if (!features.ok) return failed(features.code, features.message);
      const remotePath = rsyncRemotePath(resolved.value);
      if (!features.value.protectArgsFlag && !SHELL_SAFE_PATH.test(remotePath)) {
        return failed('unsafe_remote_path', `local rsync ${features.value.version} cannot protect '${resolved.value}' from the node's shell: install rsync 3.x here, or use a plain file name`);
      }
      const plan: PushPlan = {
        node: node.name, target, features: features.value, localPath, size: st.size, remotePath, shownPath: resolved.value,
        bandwidthLimitMbps: node.bandwidthLimitMbps, opts: this.opts, env: this.env, progress, signal,
      };
      const outcome = await this.withHostKeys(node.name, target, signal, (files) => this.pushWithFallbacks(plan, files));
      if (!outcome.ok) return failed(outcome.code, outcome.message, outcome.partial);
      return { ok: true, transport: 'rsync', ...outcome.value, durationMs: Date.now() - started, remotePath: resolved.value };
    } catch (err) {
      return failed('rsync_failed', `rsync push to ${node.name} could not run: ${describeError(err)}`);
    }
  }

  /** One push, then the bounded fallbacks: a node rsync without --mkpath, a stale quick check. */
  private async pushWithFallbacks(plan: PushPlan, knownHostsFiles: string[]) {
    let mkpath = plan.features.mkpath;
    let ignoreTimes = false;
    if (!mkpath) {
      // rsync before 3.2.3 here (macOS ships 2.6.9): make the directory ourselves.
      const made = await this.remoteMkdir(plan, knownHostsFiles);
      if (!made.ok) return made;
    }
    for (;;) {
      const r = await pushOnce(plan, knownHostsFiles, mkpath, ignoreTimes);
      if (r.ok) return r;
      if (r.code === 'remote_rsync_no_mkpath' && mkpath) {
        const made = await this.remoteMkdir(plan, knownHostsFiles);
        if (!made.ok) return made;
        mkpath = false;
      } else if (r.code === 'verify_mismatch_unchanged' && !ignoreTimes) {
        ignoreTimes = true; // same size and mtime but other bytes: make rsync compare content
      } else {
        return r;
      }
    }
  }

  private async remoteMkdir(plan: PushPlan, knownHostsFiles: string[]): Promise<Result<void, RsyncErrorCode | 'remote_mkdir_failed'>> {
    const sshArgs = sshOptionArgs({ target: plan.target, connectTimeoutMs: this.opts.connectTimeoutMs, knownHostsFiles });
    const run = runBounded('ssh', sshCommandArgs(sshArgs, plan.target.user, plan.target.host, remoteMkdirScript(plan.shownPath)), {
      env: this.env, signal: plan.signal, deadlineMs: this.opts.probeTimeoutMs,
    });
    const out = await run.done;
    if (out.rc === 0) return ok(undefined);
    if (out.rc === 255 || out.rc === null) {
      // ssh itself failed (host key, auth, network): the same words as for rsync.
      const c = classifyRsyncExit(out, {
        node: plan.node, target: plan.target, knownHostsFile: this.opts.knownHostsFile, action: 'push', idleTimeoutS: 0, deadlineMs: this.opts.probeTimeoutMs,
      });
      return fail(c.code, c.message);
    }
    return fail('remote_mkdir_failed', `cannot create the directory of ${plan.shownPath} on ${plan.node}: ${out.stderr.trim().split('\n').pop() || `ssh code ${out.rc}`}`);
  }

  /**
   * Runs `attempt` with the user's known_hosts; when ssh reports an unknown host key and a callback
   * exists, asks it and runs once more with the accepted key (DESIGN.md "SSH").
   */
  private async withHostKeys<T>(nodeName: string, target: SshTarget, signal: AbortSignal, attempt: (files: string[]) => Promise<RsyncOutcome<T, RsyncFailure>>): Promise<RsyncOutcome<T, RsyncFailure>> {
    const first = await attempt([this.opts.knownHostsFile]);
    if (first.ok || first.code !== 'host_key_unknown' || !this.opts.onUnknownHostKey) return first;
    const accepted = await acceptUnknownHostKey(nodeName, target, this.opts, signal);
    if (!accepted.ok) return accepted;
    try {
      return await attempt([this.opts.knownHostsFile, accepted.value.file]);
    } finally {
      await accepted.value.dispose().catch(() => undefined);
    }
  }
}
