import { fail, ok } from '../../result';
import { base64Slots, sendBase64Range } from '../base64/base64Stream';
import { SPAN_SLOTS } from '../fileSpans';
import { BASE64_DETECTION } from '../base64/remoteFileOps';
import type { RangeDialect } from './rangeDialect';
import { pieceBytesFor } from './rangePlan';

/** Buffer bytes a stream holds per byte of its piece: SPAN_SLOTS pieces of file and of their text (4/3). */
const HELD_PER_PIECE_BYTE = SPAN_SLOTS * (1 + 4 / 3);

/**
 * Ranges as base64 text, decoded on the node by `base64 -d` (or macOS's `-D`) into dd: the base64
 * rung's way, for a node whose login needs nothing but a shell and coreutils.
 */
export const base64Dialect: RangeDialect = {
  detection: [BASE64_DETECTION],
  decoderOn(report) {
    if (!report.base64Present) return fail('remote_tool_missing', "the node has no 'base64' command (install coreutils)");
    if (!report.decodeFlag) return fail('remote_tool_missing', "the node's 'base64' decodes neither with -d nor -D");
    return ok(`base64 ${report.decodeFlag}` as const);
  },
  streamWriter(maxStreams) {
    const slots = base64Slots(pieceBytesFor(maxStreams, HELD_PER_PIECE_BYTE));
    return async (span, stdin, stop) => {
      const failed = await sendBase64Range(span, stdin, stop, slots);
      // The text is one line: end it.
      if (!failed) stdin.end('\n');
      return failed;
    };
  },
};
