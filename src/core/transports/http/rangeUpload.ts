import type * as http from 'node:http';
import { createHash } from 'node:crypto';
import type { ByteRange } from '../../byteRanges';
import type { Result } from '../../result';
import { agentRequest, type AgentEndpoint, type AgentReply, type RequestFailure } from './agentRequest';
import { streamRange } from './agentUpload';
import { RANGED_HEADERS } from './rangedPutProtocol';

/** One range of a ranged upload, and the file it belongs to. */
export interface RangePlan {
  file: string;
  urlPath: string;
  totalSize: number;
  /** The whole file's sha256: names the transfer on the agent. */
  sha256: string;
  range: ByteRange;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  /** This stream's read buffers, reused range after range. */
  buffers: Buffer[];
  /** This stream's keep-alive connection, reused range after range. */
  socketPool: http.Agent;
}

/**
 * One range PUT over its stream's own keep-alive connection (each stream has one, so concurrent
 * ranges are separate TCP streams, and a stream's next range pays no new handshake or slow start). The range is hashed as it is read and its sha256 sent as a trailer, so
 * no byte is read twice and nothing is held beyond the stream's buffers.
 */
export function uploadRange(ep: AgentEndpoint, plan: RangePlan, sent: (n: number) => void, signal: AbortSignal): Promise<Result<AgentReply, RequestFailure>> {
  const { range } = plan;
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/octet-stream',
    'X-Total-Size': plan.totalSize,
    'X-Sha256': plan.sha256,
    [RANGED_HEADERS.rangeStart]: range.start,
    [RANGED_HEADERS.rangeEnd]: range.end,
    // A trailer needs chunked encoding: no Content-Length.
    Trailer: RANGED_HEADERS.rangeSha256,
  };
  return agentRequest(ep, {
    method: 'PUT',
    path: plan.urlPath,
    headers,
    connectTimeoutMs: plan.connectTimeoutMs,
    idleTimeoutMs: plan.idleTimeoutMs,
    socketPool: plan.socketPool,
    // No range waits for `100 Continue`: the HEAD before the ranges found the transfer welcome. A
    // refusal now (busy, no room) costs what one round trip sends; the wait cost every stream's
    // first range a round trip.
    expectContinue: false,
    sendBody: async (req, touch) => {
      const hash = createHash('sha256');
      if (!(await streamRange(req, plan.file, range.start, range.end, touch, sent, { hash, buffers: plan.buffers }))) return;
      req.addTrailers({ [RANGED_HEADERS.rangeSha256]: hash.digest('hex') });
      if (!req.destroyed) req.end();
    },
  }, signal);
}
