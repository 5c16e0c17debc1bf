/**
 * The `ranged_put` extension of the agent protocol, written once for both sides (src/agent and
 * this client). One file goes as several ranges, each its own `PUT /files/<rel>`, possibly at once
 * over separate connections, into one partial on the node; a last PUT commits it.
 *
 *   range PUT:  X-Range-Start, X-Range-End (half-open [start, end): the body is end - start bytes),
 *               X-Total-Size and X-Sha256 (the whole file: which transfer the range belongs to),
 *               X-Range-Sha256 (the body's sha256) as a header or a trailer (`Trailer: X-Range-Sha256`).
 *               202 once the range is durable and verified, with X-Ranges-Done.
 *   HEAD:       X-Ranged-Total-Size, X-Ranged-Sha256 and X-Ranges-Done (`a-b,c-d`, half-open,
 *               merged) when a ranged transfer waits: the client sends only the missing ranges.
 *   commit PUT: X-Ranged-Commit: 1 with X-Total-Size and X-Sha256, no body: 201 {size, sha256}
 *               when every range is there and the whole partial hashes to X-Sha256; else 409
 *               `ranges_missing` (with X-Ranges-Done) or 422 (the transfer is dropped).
 */

/** The name /health lists in `ringrift_sync.extensions`. */
export const RANGED_PUT_EXTENSION = 'ranged_put';

/** Header names, lower-case as node's IncomingMessage.headers has them. */
export const RANGED_HEADERS = {
  rangeStart: 'x-range-start',
  rangeEnd: 'x-range-end',
  rangeSha256: 'x-range-sha256',
  commit: 'x-ranged-commit',
  totalSize: 'x-ranged-total-size',
  sha256: 'x-ranged-sha256',
  done: 'x-ranges-done',
} as const;
