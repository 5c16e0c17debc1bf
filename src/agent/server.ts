import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeError } from '../core/result';
import { RANGED_HEADERS } from '../core/transports/http/rangedPutProtocol';
import type { AgentConfig } from './config';
import type { AgentContext } from './exchange';
import { Sha256Cache } from './hashCache';
import { lingerOnClose } from './lingeringClose';
import { sendError } from './respond';
import { RangedTransfers } from './rangedTransfers';
import { route } from './routes';
import { UploadRegistry } from './uploads';

/** ` range A-B` for a ranged upload's request (which bytes it carried), '' for others. */
function rangeNote(req: http.IncomingMessage): string {
  const start = req.headers[RANGED_HEADERS.rangeStart];
  return start === undefined ? '' : ` range ${String(start)}-${String(req.headers[RANGED_HEADERS.rangeEnd])}`;
}

export interface RunningAgent {
  address: string;
  port: number;
  /** `http://ADDR:PORT` */
  url: string;
  /** Stops listening, cuts open connections (their partials stay), waits for handlers to finish. */
  close(): Promise<void>;
}

/**
 * The reference P2P agent (DESIGN.md "P2P agent protocol"), speaking the RingRift orchestrator's
 * endpoints too (routes.ts): listens until close().
 */
export async function startAgent(config: AgentConfig, port: number, bind: string): Promise<RunningAgent> {
  const log = config.log ?? ((line: string) => void process.stderr.write(line + '\n'));
  const ctx: AgentContext = { config, cache: new Sha256Cache(), uploads: new UploadRegistry(), ranged: new RangedTransfers(), startedAt: Date.now() };
  const inFlight = new Set<Promise<void>>();

  function onRequest(req: http.IncomingMessage, res: http.ServerResponse, expectsContinue: boolean): void {
    const t0 = Date.now();
    const meter = { bytes: 0 };
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const [urlPath, query] = q < 0 ? [url, ''] : [url.slice(0, q), url.slice(q + 1)];
    const job = route(ctx, { req, res, urlPath, query: new URLSearchParams(query), expectsContinue, meter })
      .catch((err) => {
        // Our own failure (a disk error, a race with a deleted file): one line to the client and the log.
        log(`${new Date().toISOString()} error in ${req.method} ${req.url}: ${describeError(err)}`);
        sendError(res, 500, 'agent_error', `agent ${config.name}: ${describeError(err)}`);
      })
      .then(() => {
        // Logged once the handler is done (partial synced, upload slot released), not at socket close.
        const status = res.headersSent ? res.statusCode : 'client-gone';
        log(`${new Date().toISOString()} ${req.method} ${req.url} ${status} ${meter.bytes}B ${Date.now() - t0}ms${rangeNote(req)}`);
      });
    inFlight.add(job);
    void job.finally(() => inFlight.delete(job));
  }

  const server = http.createServer({ requestTimeout: 0, keepAlive: true, keepAliveInitialDelay: 30000, highWaterMark: 1 << 20 });
  server.on('request', (req, res) => onRequest(req, res, false));
  // Answering `Expect: 100-continue` ourselves lets a refusal (401, 409, 507) go out before the body.
  server.on('checkContinue', (req, res) => {
    lingerOnClose(req.socket);
    onRequest(req, res, true);
  });
  // A client that vanished without a FIN still frees its upload slot eventually.
  server.timeout = 5 * 60 * 1000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, bind, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    address: addr.address,
    port: addr.port,
    url: `http://${host}:${addr.port}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.all([closed, ...inFlight]);
    },
  };
}
