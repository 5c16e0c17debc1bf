import { fail, ok, type Failure, type Success } from '../../result';
import { runBounded, type BoundedRun } from '../boundedProcess';
import { pushArgs, remoteSpec, rsyncRemoteShell, sshOptionArgs, type RsyncFeatures, type SshTarget } from './rsyncArgs';
import type { LocalHashFailure } from '../hashWorker';
import { classifyRsyncExit, type RsyncErrorCode } from './rsyncErrors';
import { RsyncOutputReader, parseStats, type RsyncStats } from './rsyncProgress';
import { openRemoteHash, remoteAfterFailure, type AfterFailure, type RemoteHashFailure, type RemoteHashSession } from './rsyncVerify';
import { localSha256 } from '../cellHashCache';
import type { PartialProgress, PushProgress, TransportOptions } from '../transport';

/**
 * One rsync run and its sha256 check. While rsync sends, we hash the local file and a second ssh
 * session is already logged in, waiting to hash the node's copy once rsync exits: the check costs
 * the node's hashing only, not another SSH handshake.
 */

export interface PushPlan {
  node: string;
  target: SshTarget;
  features: RsyncFeatures;
  /** Absolute local path (never starts with '-' or contains a host colon before a slash). */
  localPath: string;
  size: number;
  /** Path as rsync's receiver sees it (a leading `~/` removed: rsync starts in the login dir). */
  remotePath: string;
  /** Path as the user should see it in messages and as the node's shell resolves it. */
  shownPath: string;
  bandwidthLimitMbps: number | undefined;
  opts: TransportOptions;
  env: NodeJS.ProcessEnv;
  progress: PushProgress;
  signal: AbortSignal;
}

export interface PushedFile {
  bytes: number;
  bytesSent: number;
  sha256: string;
  skipped?: boolean;
}

/**
 * Why one run failed: rsync's exit, the check after it, or a sha256 mismatch (`_unchanged`: rsync
 * sent nothing because size and mtime matched, so the caller retries comparing content).
 */
export type RsyncPushFailure = RsyncErrorCode | LocalHashFailure | RemoteHashFailure | 'verify_mismatch' | 'verify_mismatch_unchanged';

/** A failure, with how far the run moved rsync's partial on the node when that could be read. */
export type RsyncOutcome<T, C extends string> = Success<T> | (Failure<C> & { partial?: PartialProgress });

/** Progress at least once a second, even while rsync is quiet (it prints about once a second). */
const HEARTBEAT_MS = 1000;
/**
 * rsync's "error in file IO" (code 11) does not always carry the receiver's reason (seen with
 * rsync 3.5: exit 11, nothing on stderr, on a full disk): when the node's free space cannot hold
 * the rest of the file, say so.
 */
function diskFullAfterAll(rc: number | null, c: { code: RsyncPushFailure; message: string }, node: AfterFailure, size: number, plan: PushPlan): { code: RsyncPushFailure; message: string } {
  const rest = size - (node.partial ?? 0);
  if (rc !== 11 || c.code === 'disk_full' || node.freeBytes === undefined || node.freeBytes >= rest) return c;
  return {
    code: 'disk_full',
    message: `${plan.node} ran out of disk space writing ${plan.shownPath} (rsync: error in file IO, ${node.freeBytes} bytes free there, ${rest} more needed): free space there and push again; the partial stays for the next push to resume`,
  };
}

/** Hashing on the node: bounded, but generous for big files on slow disks (20 MB/s floor). */
const hashDeadlineMs = (size: number) => Math.max(30_000, Math.ceil(size / 20_000));

export async function pushOnce(plan: PushPlan, knownHostsFiles: string[], mkpath: boolean, ignoreTimes: boolean): Promise<RsyncOutcome<PushedFile, RsyncPushFailure>> {
  const { target, opts } = plan;
  const sshArgs = sshOptionArgs({ target, connectTimeoutMs: opts.connectTimeoutMs, knownHostsFiles });
  const idleTimeoutS = Math.max(1, Math.ceil(opts.idleTimeoutMs / 1000));
  const meter = progressMeter(plan);
  const args = pushArgs({
    features: plan.features,
    remoteShell: rsyncRemoteShell(sshArgs),
    idleTimeoutS,
    bandwidthLimitMbps: plan.bandwidthLimitMbps,
    mkpath,
    ignoreTimes,
    localPath: plan.localPath,
    spec: remoteSpec(target, plan.remotePath),
  });
  const verifier = openRemoteHash(sshArgs, target.user, target.host, plan.shownPath, plan.env, plan.signal);
  // Hashed while rsync sends: free when the link, not the CPU, is the limit (remembered per file version).
  const localHash = localSha256(plan.localPath, plan.signal);
  const heartbeat = setInterval(meter.report, HEARTBEAT_MS);
  const out = await runBounded('rsync', args, { env: plan.env, signal: plan.signal, onStdout: (s) => meter.reader.push(s) }).done;
  clearInterval(heartbeat);
  if (out.rc !== 0 || out.aborted) return failedRun(plan, out, verifier, sshArgs, idleTimeoutS, meter.done());
  const stats = parseStats(meter.reader.end());
  meter.complete();
  return compareHashes(plan, stats, verifier, localHash);
}

/** Reports rsync's progress lines to the plan, and on demand (the heartbeat, the end). */
function progressMeter(plan: PushPlan): { reader: RsyncOutputReader; report(): void; complete(): void; done(): number } {
  let done = 0;
  const report = () => {
    try {
      plan.progress(Math.min(done, plan.size), plan.size);
    } catch {
      /* a failing progress display must not break the transfer (this runs in stream callbacks) */
    }
  };
  const reader = new RsyncOutputReader((bytes) => {
    done = bytes;
    report();
  });
  const complete = () => {
    done = plan.size;
    report();
  };
  return { reader, report, complete, done: () => done };
}

/** rsync failed or was cancelled: its failure, with what the node kept when it was reached. */
async function failedRun(
  plan: PushPlan, out: Awaited<BoundedRun['done']>, verifier: RemoteHashSession, sshArgs: string[], idleTimeoutS: number, rsyncReported: number,
): Promise<RsyncOutcome<PushedFile, RsyncPushFailure>> {
  const { target, opts } = plan;
  // The verifier's login races rsync: on a loaded node it can lose to a try that dies within
  // seconds. rsync's own progress then says it reached the node; count from an empty partial.
  const before = verifier.partialAtStart() ?? (rsyncReported > 0 ? 0 : undefined);
  verifier.cancel();
  const c = classifyRsyncExit(out, {
    node: plan.node, target, knownHostsFile: opts.knownHostsFile, action: 'push', remotePath: plan.shownPath, idleTimeoutS,
  });
  // No login of the verifier and no progress: the node was never reached. Otherwise read what
  // rsync's receiver kept (one more short ssh session): bytes it sent are not bytes it kept.
  if (out.aborted || before === undefined) return fail(c.code, c.message);
  const node = await remoteAfterFailure(sshArgs, target.user, target.host, plan.shownPath, plan.env, plan.signal, opts.probeTimeoutMs);
  const why = diskFullAfterAll(out.rc, c, node, plan.size, plan);
  const released = node.releasedReceivers ? `; the node's rsync receiver sat on the cut connection and was stopped (pid ${node.releasedReceivers.join(', ')}), keeping its partial` : '';
  return { ...fail(why.code, why.message + released), ...(node.partial === undefined ? {} : { partial: { before, after: node.partial } }) };
}

/** rsync exited 0: the node's sha256 of the file must be ours. */
async function compareHashes(
  plan: PushPlan, stats: RsyncStats | undefined, verifier: RemoteHashSession, localHash: ReturnType<typeof localSha256>,
): Promise<RsyncOutcome<PushedFile, RsyncPushFailure>> {
  const size = plan.size;
  const [remote, local] = await Promise.all([verifier.hash(hashDeadlineMs(size)), localHash]);
  if (!local.ok) return local;
  if (!remote.ok) {
    const why = remote.code === 'remote_tool_missing' ? 'install openssl or coreutils there' : 'the file may not have landed; push again';
    return fail(remote.code, `rsync to ${plan.node} finished but ${plan.shownPath} could not be verified there (${remote.message}): ${why}`);
  }
  if (remote.value !== local.value) {
    const unchanged = stats?.filesTransferred === 0;
    return fail(
      unchanged ? 'verify_mismatch_unchanged' : 'verify_mismatch',
      `sha256 of ${plan.shownPath} on ${plan.node} is ${remote.value.slice(0, 12)}..., ours is ${local.value.slice(0, 12)}...: ` +
        `the node holds other bytes than we sent (was the local file changed during the push, or is the node's disk failing?); push again`,
    );
  }
  const skipped = stats?.filesTransferred === 0;
  return ok({ bytes: size, bytesSent: stats?.literalBytes ?? (skipped ? 0 : size), sha256: local.value, ...(skipped ? { skipped: true } : {}) });
}
