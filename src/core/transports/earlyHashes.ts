import { stat } from 'node:fs/promises';
import { rangeBytesFor } from '../byteRanges';
import type { NodeSpec } from '../hosts/nodeSpec';
import { knownRoundTrip, onRoundTrip } from '../ssh/roundTrips';
import { fileCellHashes, type StartedCellHashes } from './cellHashCache';
import { rangesWanted, type StreamsSetting } from './streamCount';
import type { PushJob } from './transport';

/**
 * An SSH rung's ranged push needs the file's hashes before its first range (they name the transfer
 * on the node and check each range): 0.3-0.4 s per 256 MiB on a worker. They start here as soon
 * as the node proves far enough for ranges (rangesWanted): at the TCP connect of the probe's login,
 * which then takes another half second or more, and its command more. The push's own request for
 * them (fileCellHashes, the same grid) joins this read. A near node or a small file starts nothing.
 * Returns what ends the wait: the read stops unless a push took it up.
 */
export function hashesWhenFar(node: NodeSpec, job: PushJob, streams: StreamsSetting, signal: AbortSignal): () => void {
  let started: StartedCellHashes | undefined;
  let ended = false;
  let unsubscribe = () => undefined as void;
  void stat(job.localPath).then(
    (st) => {
      if (ended || !st.isFile() || !rangesWanted(st.size, streams, undefined)) return;
      const startIfFar = (ms: number) => {
        if (started || !rangesWanted(st.size, streams, ms)) return;
        started = fileCellHashes(job.localPath, st, rangeBytesFor(st.size), signal);
        unsubscribe();
      };
      unsubscribe = onRoundTrip(node.name, startIfFar);
      const known = knownRoundTrip(node.name);
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
