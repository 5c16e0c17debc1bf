import type { FileHandle } from 'node:fs/promises';
import { describeError } from '../result';

/**
 * What the SSH senders of a span of a local file share, whatever they put on the channel (base64
 * text, or the bytes themselves).
 */

/** [start, end) of a local file to write to a remote command's stdin. */
export interface FileSpan {
  file: FileHandle;
  start: number;
  end: number;
  /** File bytes the channel has taken. */
  onBytes(n: number): void;
}

/** Why a span was not sent: the local file (`read`) or the channel (`write`). */
export type SendFailure = { side: 'read' | 'write'; text: string };

/**
 * Reads exactly `len` bytes at `pos`, or says why not: a short read mid-span would shift every
 * later byte (or put base64's `=` mid-stream).
 */
export async function readFull(file: FileHandle, buf: Buffer, len: number, pos: number): Promise<number | string> {
  let got = 0;
  try {
    while (got < len) {
      const { bytesRead } = await file.read(buf, got, len - got, pos + got);
      if (bytesRead === 0) return `the file ended at byte ${pos + got}, before the ${len} bytes expected (it shrank while being sent)`;
      got += bytesRead;
    }
    return got;
  } catch (err) {
    return describeError(err);
  }
}
