import type { Writable } from 'node:stream';
import type { Result } from '../../result';
import type { FileSpan, SendFailure } from '../fileSpans';
import type { InspectReport, RangeDecoder } from './rangedScripts';

/**
 * How one ranged SSH push puts a range's bytes on the node: base64 text decoded there
 * (base64Dialect.ts, the base64 rung) or the bytes themselves (rawDialect.ts, the rsync rung).
 * Either way the node's partial holds the file's bytes, under the same partial and sidecar paths:
 * a try on one rung resumes the ranges another rung's try verified.
 */
export interface RangeDialect {
  /** Lines of the inspect script that print what this dialect needs beyond dd and a sha256 tool. */
  readonly detection: readonly string[];
  /** From the inspect's report: what turns a range's stdin into its bytes (undefined: nothing), or what the node lacks. */
  decoderOn(report: InspectReport): Result<RangeDecoder | undefined, 'remote_tool_missing'>;
  /**
   * One stream's writer, its buffers allocated once and reused range after range, sized so the
   * most streams the push may reach (`maxStreams`) stay within one memory budget (rangePlan.ts).
   */
  streamWriter(maxStreams: number): RangeWriter;
}

/**
 * Writes a span of the file to a range command's stdin and ends it. Returns early, with nothing,
 * once `stop` settles (the command ended: its result says why).
 */
export type RangeWriter = (span: FileSpan, stdin: Writable, stop: Promise<unknown>) => Promise<SendFailure | undefined>;
