import { stat } from 'node:fs/promises';
import { rangeBytesFor } from '../byteRanges';
import type { NodeSpec } from '../hosts/nodeSpec';
import { knownRoundTrip, onRoundTrip, type RoundTripPath } from './roundTrips';
import { fileCellHashes, type StartedCellHashes } from './cellHashCache';
import { rangesWanted, type StreamsSetting } from './streamCount';
import type { PushJob } from './transport';

/**
 * A ranged push needs the file's hashes before its first range (they name the transfer on the
 * node; over SSH each range's is checked there too): 0.25-0.4 s per 256 MiB on a worker. They
 * start here as soon as the node proves far enough for ranges (rangesWanted), at the first connect
 * of the probe over `path`: an SSH login then takes another half second or more, and its command
 * more; an agent's probe two more calls. The push's own request for them (fileCellHashes, the same
 * grid) joins this read. A near node or a small file starts nothing. `grid`: the SSH rungs' range
 * cells, or the whole file's sha256 alone (the agent rungs: their ranges are checked as they come).
 * Returns what ends the wait: the read stops unless a push took it up.
 */
export function hashesWhenFar(node: NodeSpec, job: PushJob, streams: StreamsSetting, signal: AbortSignal, path: RoundTripPath, grid: 'ranges' | 'whole'): () => void {
  let started: StartedCellHashes | undefined;
  let ended = false;
  let unsubscribe = () => undefined as void;
  void stat(job.localPath).then(
    (st) => {
      if (ended || !st.isFile() || !rangesWanted(st.size, streams, undefined)) return;
      const startIfFar = (ms: number) => {
        if (started || !rangesWanted(st.size, streams, ms)) return;
        started = fileCellHashes(job.localPath, st, grid === 'ranges' ? rangeBytesFor(st.size) : 0, signal);
        unsubscribe();
      };
      unsubscribe = onRoundTrip(node.name, path, startIfFar);
      const known = knownRoundTrip(node.name, path);
      if (known !== undefined) startIfFar(known);
    },
    () => undefined, // the push reports an unreadable file
  );
  return () => {
    ended = true;
    unsubscribe();
    started?.drop();
  };
}
