import * as http from 'node:http';
import { describeError, fail, ok, type Result } from '../core/result';

/** The peer a POST /sync/pull fetches from, with the bounds every fetch gets. */
export interface PullSource {
  host: string;
  port: number;
  /** Our own token, sent as `Authorization: Bearer` (the orchestrator sends its cluster token). */
  token: string | undefined;
  connectTimeoutMs: number;
  /** No byte for this long, while waiting for the answer or mid-body: the fetch fails. */
  idleTimeoutMs: number;
}

export const DEFAULT_PULL_CONNECT_TIMEOUT_MS = 5000;
export const DEFAULT_PULL_IDLE_TIMEOUT_MS = 30000;

function sourceUrl(src: PullSource, entry: string): string {
  const host = src.host.includes(':') ? `[${src.host}]` : src.host;
  return `http://${host}:${src.port}/sync/file?path=${encodeURIComponent(entry)}`;
}

/**
 * GET /sync/file?path=<entry> on the source. Resolves with the response once a 200 arrived (its
 * body still to be read, under the same idle bound), or a failure naming the URL and the cause.
 */
export function openSource(src: PullSource, entry: string, signal: AbortSignal): Promise<Result<http.IncomingMessage, 'source_failed'>> {
  const url = sourceUrl(src, entry);
  return new Promise((resolve) => {
    const headers: Record<string, string> = src.token === undefined ? {} : { Authorization: `Bearer ${src.token}` };
    const req = http.request(url, { method: 'GET', headers, agent: false, signal });
    let response: http.IncomingMessage | undefined;
    // The body's reader sees the cause, not a bare 'aborted', when the response is cut too.
    const cut = (why: string) => {
      const err = new Error(why);
      response?.destroy(err);
      req.destroy(err);
    };
    const connectTimer = setTimeout(() => cut(`no connection within ${src.connectTimeoutMs} ms`), src.connectTimeoutMs);
    req.once('socket', (socket) => socket.once('connect', () => clearTimeout(connectTimer)));
    req.setTimeout(src.idleTimeoutMs, () => cut(`no data from the source for ${src.idleTimeoutMs} ms`));
    req.once('error', (err) => {
      clearTimeout(connectTimer);
      resolve(fail('source_failed', `GET ${url}: ${describeError(err)}`));
    });
    req.once('response', (res) => {
      response = res;
      clearTimeout(connectTimer);
      if (res.statusCode === 200) return resolve(ok(res));
      void startOf(res).then((text) => resolve(fail('source_failed', `GET ${url} answered HTTP ${res.statusCode} ${text}`.trim())));
    });
    req.end();
  });
}

/** The first 200 characters of an error body, for the message; the rest is not read. */
async function startOf(res: http.IncomingMessage): Promise<string> {
  let text = '';
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      text += chunk.toString('utf8');
      if (text.length >= 200) break;
    }
  } catch {
    // the body broke off: what arrived is enough for a message
  }
  return text.slice(0, 200).trim();
}
