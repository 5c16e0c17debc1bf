import { RANGED_MIN_BYTES, rangeBytesFor } from '../../byteRanges';
import type { NodeSpec } from '../../hosts/nodeSpec';
import { openSsh } from '../../ssh/connect';
import { knownRoundTrip } from '../../ssh/roundTrips';
import type { SshSession } from '../../ssh/session';
import { cellHashesInWorker, type CellHashes } from '../hashWorker';
import { lookCommand, parseLookOutput, rangedFilePaths } from '../sshRanges/rangedScripts';
import { rawDialect } from '../sshRanges/rawDialect';
import { pushSshRanged, type SshRangedOutcome } from '../sshRanges/sshRanged';
import { DEFAULT_STREAMS, rangesWanted, type StreamsSetting } from '../streamCount';
import type { PushProgress, TransportOptions } from '../transport';

/** Bound on the look at the target once logged in: a few shell builtins and a `head`. */
const LOOK_TIMEOUT_MS = 15_000;

/** One push on the rsync rung, as the ranged path needs it. */
interface RsyncRangedPush {
  node: NodeSpec;
  opts: TransportOptions;
  localPath: string;
  size: number;
  /** The target as sshRemotePath resolved it. */
  resolved: string;
  progress: PushProgress;
  signal: AbortSignal;
}

/** Ranges or not; ranges that resume a partial of this file come with its hashes, read to tell. */
type RangesChoice = { ranges: false } | { ranges: true; hashes?: CellHashes };

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
  if (at.size < RANGED_MIN_BYTES || streams === 1 || at.node.bandwidthLimitMbps !== undefined) return undefined;
  // The probe's login measured the round trip already: a near node gets rsync without another login.
  const known = knownRoundTrip(at.node.name);
  if (known !== undefined && !rangesWanted(at.size, streams, known)) return undefined;
  // No host key prompt here: a node whose key is not known yet gets rsync, which asks once.
  const opts: TransportOptions = { ...at.opts, onUnknownHostKey: undefined };
  const ssh = await openSsh(at.node, opts, at.signal);
  if (!ssh.ok) return ssh.code === 'cancelled' ? ssh : undefined;
  try {
    const choice = await chooseRanges(at, ssh.value, streams);
    if (!choice.ranges) return undefined;
    return await pushSshRanged({
      transport: 'rsync', dialect: rawDialect, node: at.node, opts, sshOverrides: {}, localPath: at.localPath, size: at.size,
      resolved: at.resolved, streams, ssh: ssh.value, progress: at.progress, signal: at.signal, hashes: choice.hashes,
    });
  } finally {
    ssh.value.close();
  }
}

/** Whether this file goes as ranges to this node: see pushRsyncRanges. */
async function chooseRanges(at: RsyncRangedPush, ssh: SshSession, streams: StreamsSetting): Promise<RangesChoice> {
  const no: RangesChoice = { ranges: false };
  // The login measured the node's round trip: 'auto' sends ranges only where one stream is loss-bound.
  if (!rangesWanted(at.size, streams, ssh.rttMs)) return no;
  const r = await ssh.exec(lookCommand(rangedFilePaths(at.resolved)), { signal: at.signal, timeoutMs: LOOK_TIMEOUT_MS });
  const look = r.ok && r.value.code === 0 ? parseLookOutput(r.value.stdout) : undefined;
  if (!look?.ddPresent) return no;
  if (look.target === 'none') return { ranges: true };
  if (look.target === 'dir' || look.ranged?.size !== at.size) return no;
  // An older version at the target and ranges of a file this size beside it: resume them only if they are this file's.
  const hashes = await cellHashesInWorker(at.localPath, at.size, rangeBytesFor(at.size), at.signal);
  return hashes.ok && hashes.value.sha256 === look.ranged.sha256 ? { ranges: true, hashes: hashes.value } : no;
}
