import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AgentConfig } from './config';
import type { Sha256Cache } from './hashCache';
import type { RangedTransfers } from './rangedTransfers';
import type { UploadRegistry } from './uploads';

/** What every handler shares for the agent's lifetime. */
export interface AgentContext {
  config: AgentConfig;
  cache: Sha256Cache;
  uploads: UploadRegistry;
  /** Ranged uploads with requests open (the ranged_put extension). */
  ranged: RangedTransfers;
  /** Date.now() at start, for uptime. */
  startedAt: number;
}

/** One request as a handler sees it. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  /** The URL path without the query string, still percent-encoded. */
  urlPath: string;
  query: URLSearchParams;
  /** The client sent `Expect: 100-continue`: the handler calls writeContinue() once it accepts. */
  expectsContinue: boolean;
  /** Body bytes received or file bytes sent, for the request log line. */
  meter: { bytes: number };
}

export type Handler = (ctx: AgentContext, ex: Exchange) => Promise<void>;

export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
