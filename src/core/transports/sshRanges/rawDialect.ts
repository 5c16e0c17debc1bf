import { ok } from '../../result';
import { sendSpan, SPAN_SLOTS, type SpanSlot } from '../fileSpans';
import type { RangeDialect } from './rangeDialect';
import { pieceBytesFor } from './rangePlan';

/**
 * Ranges as the file's bytes themselves on the exec's stdin, read by dd as they come: an exec
 * channel without a pty is 8-bit clean, so nothing encodes (base64 costs a third more on the wire
 * and a decoder's CPU on the node). The rsync rung's way: a node with rsync has a real shell.
 */
export const rawDialect: RangeDialect = {
  detection: [],
  decoderOn: () => ok(undefined),
  streamWriter(maxStreams) {
    const pieceBytes = pieceBytesFor(maxStreams, SPAN_SLOTS);
    const slots: SpanSlot[] = Array.from({ length: SPAN_SLOTS }, () => ({ raw: Buffer.allocUnsafe(pieceBytes), written: Promise.resolve(undefined) }));
    return async (span, stdin, stop) => {
      // Set before sendSpan watches `stop`: once the command ended, its stdin is left alone.
      let ended = false;
      void stop.then(() => (ended = true));
      const failed = await sendSpan(span, stdin, stop, slots);
      if (!failed && !ended) stdin.end();
      return failed;
    };
  },
};
