import type { Stats } from 'node:fs';
import { RANGED_MIN_BYTES, rangeBytesFor } from '../../byteRanges';
import type { NodeSpec } from '../../hosts/nodeSpec';
import { openSsh } from '../../ssh/connect';
import { pushLogin, type ProbeRound } from '../probeRound';
import { knownRoundTrip } from '../roundTrips';
import type { ExecResult, SshSession } from '../../ssh/session';
import type { CellHashes, LocalHashFailure } from '../hashWorker';
import { fileCellHashes, type StartedCellHashes } from '../cellHashCache';
import type { Result } from '../../result';
import { lookCommand, parseInspectOutput, parseLookOutput, rangedFilePaths } from '../sshRanges/rangedScripts';
import { rawDialect } from '../sshRanges/rawDialect';
import { inspectNode, pushSshRanged, type SshRangedOutcome } from '../sshRanges/sshRanged';
import { DEFAULT_STREAMS, rangesWanted, type StreamsSetting } from '../streamCount';
import type { PushProgress, TransportOptions } from '../transport';

/** Bound on the look at the target once logged in: a few shell builtins and a `head`. */
const LOOK_TIMEOUT_MS = 15_000;

/** One push on the rsync rung, as the ranged path needs it. */
interface RsyncRangedPush {
  node: NodeSpec;
  opts: TransportOptions;
  localPath: string;
  stat: Stats;
  /** The target as sshRemotePath resolved it. */
  resolved: string;
  progress: PushProgress;
  signal: AbortSignal;
  /** The round whose probe just passed: its login carries the look and the first stream. */
  round?: ProbeRound;
}

/**
 * The rsync rung's ranges (one TCP stream is loss-bound on a long lossy link): a big file goes as
 * the file's own bytes over several SSH connections (sshRanges, raw dialect) when the node holds
 * nothing at the target, or a ranged partial of this very file (a cut try of either SSH rung);
 * an older version there goes through rsync, whose delta transfer sends only what changed.
 * Undefined: plain rsync carries the file, also when the ssh2 login or the node's dd are
 * missing (rsync needs neither), and to a node with a bandwidth limit (rsync's --bwlimit holds
 * one stream to it; several streams would each take it).
 */
export async function pushRsyncRanges(at: RsyncRangedPush): Promise<SshRangedOutcome | undefined> {
  const streams = at.opts.streams ?? DEFAULT_STREAMS;
  const size = at.stat.size;
  if (size < RANGED_MIN_BYTES || streams === 1 || at.node.bandwidthLimitMbps !== undefined) return undefined;
  // The probe's login measured the round trip already: a near node gets rsync without another login.
  const known = knownRoundTrip(at.node.name);
  if (known !== undefined && !rangesWanted(size, streams, known)) return undefined;
  // No host key prompt here: a node whose key is not known yet gets rsync, which asks once.
  const opts: TransportOptions = { ...at.opts, onUnknownHostKey: undefined };
  // The hashes name the transfer on the node: read beside the login and the look, not after them.
  const hashes = fileCellHashes(at.localPath, at.stat, rangeBytesFor(size), at.signal);
  const login = await pushLogin(at.round, () => openSsh(at.node, opts, at.signal));
  if (!login.ok) return hashes.drop(), login.code === 'cancelled' ? login : undefined;
  let outcome: SshRangedOutcome | undefined;
  try {
    const ssh = login.value.session;
    const ranges = await chooseRanges(at, ssh, streams, hashes);
    if (!ranges) return hashes.drop(), undefined;
    return (outcome = await pushSshRanged({
      transport: 'rsync', dialect: rawDialect, node: at.node, opts, sshOverrides: {}, localPath: at.localPath, size,
      resolved: at.resolved, streams, ssh, progress: at.progress, signal: at.signal, hashes: hashes.result, inspected: ranges.inspected,
    }));
  } finally {
    // Without ranges (plain rsync follows) the login is as the probe left it.
    login.value.release(outcome?.ok ?? true);
  }
}

/** Ranges, with the node's inspect when it was the look (inspectFirst); undefined: plain rsync. */
type RangesChoice = { inspected?: ExecResult } | undefined;

/** Whether this file goes as ranges to this node: see pushRsyncRanges. */
async function chooseRanges(at: RsyncRangedPush, ssh: SshSession, streams: StreamsSetting, hashes: StartedCellHashes): Promise<RangesChoice> {
  // The login measured the node's round trip: 'auto' sends ranges only where one stream is loss-bound.
  if (!rangesWanted(at.stat.size, streams, ssh.rttMs)) return undefined;
  // The hashes are read (they start at the probe's connect, earlyHashes.ts): one command looks and starts.
  if (hashes.ready()) return inspectFirst(at, ssh, hashes.result);
  const r = await ssh.exec(lookCommand(rangedFilePaths(at.resolved)), { signal: at.signal, timeoutMs: LOOK_TIMEOUT_MS });
  const look = r.ok && r.value.code === 0 ? parseLookOutput(r.value.stdout) : undefined;
  if (!look?.ddPresent) return undefined;
  if (look.target === 'none') return {};
  if (look.target === 'dir' || look.ranged?.size !== at.stat.size) return undefined;
  // An older version at the target and ranges of a file this size beside it: resume them only if they are this file's.
  const h = await hashes.result;
  return h.ok && h.value.sha256 === look.ranged.sha256 ? {} : undefined;
}

/**
 * The look as the ranged push's own inspect, keeping an older version at the target for rsync's
 * delta transfer: one command instead of a look and then an inspect (a shell and a few round trips).
 */
async function inspectFirst(at: RsyncRangedPush, ssh: SshSession, hashes: Promise<Result<CellHashes, LocalHashFailure>>): Promise<RangesChoice> {
  const h = await hashes;
  if (!h.ok) return {}; // the ranged push says the local file could not be read
  const size = at.stat.size;
  const r = await inspectNode(ssh, rangedFilePaths(at.resolved), { size, sha256: h.value.sha256 }, rawDialect, 'keep', at.signal);
  if (!r.ok || r.value.code !== 0) return undefined;
  const report = parseInspectOutput(r.value.stdout, size, rangeBytesFor(size));
  return report.ddPresent && !report.targetIsDir && !report.targetExists ? { inspected: r.value } : undefined;
}
