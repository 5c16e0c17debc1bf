import type { ServerResponse } from 'node:http';

/** Replies with a small JSON body (the protocol's only body format). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | number> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Every stable `code` an error reply carries; clients branch on these, never on the message. */
export type ErrorCode =
  | 'unauthorized'
  | 'not_found'
  | 'method_not_allowed'
  | 'bad_path'
  | 'bad_headers'
  | 'bad_query'
  | 'bad_form'
  | 'bad_body'
  | 'bad_range'
  | 'body_too_long'
  | 'busy'
  | 'is_directory'
  | 'offset_mismatch'
  | 'range_conflict'
  | 'ranges_missing'
  | 'checksum_mismatch'
  | 'disk_full'
  | 'agent_error';

/**
 * An error reply: `{"error": <one line a human can act on>, "code": <stable code>, ...extra}`.
 * Clients show `error` as it is, so it says what was refused and what to do.
 */
export function sendError(
  res: ServerResponse,
  status: number,
  code: ErrorCode,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string | number> = {},
): void {
  sendJson(res, status, { error: message, code, ...extra }, headers);
}

/**
 * A HEAD reply: headers only, with the Content-Length a GET would send (the file's size; 0 where
 * there is nothing to send). Without one, Node's client does not reuse the connection after it:
 * a client's push that follows its HEAD would pay a new connection.
 */
export function sendHead(res: ServerResponse, status: number, headers: Record<string, string | number>, contentLength = 0): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, 'Content-Length': contentLength });
  res.end();
}

export function mib(bytes: number): string {
  return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}
