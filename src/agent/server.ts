import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeError } from '../core/result';
import { tokenAccepted } from './auth';
import type { AgentConfig } from './config';
import { diskSpace } from './disk';
import { Sha256Cache } from './hashCache';
import { handleHead } from './headFile';
import { FILES_PREFIX, parseFilesPath } from './paths';
import { handlePut } from './putFile';
import { sendError, sendJson } from './respond';
import { UploadRegistry } from './uploads';

export interface RunningAgent {
  address: string;
  port: number;
  /** `http://ADDR:PORT` */
  url: string;
  /** Stops listening, cuts open connections (their partials stay), waits for handlers to finish. */
  close(): Promise<void>;
}

/** The reference P2P agent (DESIGN.md "P2P agent protocol"): listens until close(). */
export async function startAgent(config: AgentConfig, port: number, bind: string): Promise<RunningAgent> {
  const log = config.log ?? ((line: string) => void process.stderr.write(line + '\n'));
  const started = Date.now();
  const cache = new Sha256Cache();
  const uploads = new UploadRegistry();
  const inFlight = new Set<Promise<void>>();

  async function route(req: http.IncomingMessage, res: http.ServerResponse, expectsContinue: boolean, meter: { bytes: number }): Promise<void> {
    if (!tokenAccepted(config.token, req.headers.authorization)) {
      return sendError(res, 401, 'unauthorized', `agent ${config.name} wants 'Authorization: Bearer <token>' with the token it was started with`,
        {}, { 'WWW-Authenticate': 'Bearer' });
    }
    const urlPath = (req.url ?? '/').split('?')[0];
    const method = req.method ?? 'GET';
    if (urlPath === '/health' && method === 'GET') return sendJson(res, 200, { status: 'ok', node: config.name, version: config.version });
    if (urlPath === '/status' && method === 'GET') {
      const disk = await diskSpace(config.root, config.fakeFreeBytes);
      const uptimeS = Math.floor((Date.now() - started) / 1000);
      return sendJson(res, 200, { node: config.name, version: config.version, uptimeS, root: config.root, disk });
    }
    if (urlPath.startsWith(FILES_PREFIX)) {
      const segs = parseFilesPath(urlPath);
      if (!segs.ok) return sendError(res, 400, 'bad_path', `${urlPath}: ${segs.message}`);
      if (method === 'HEAD') return handleHead(config.root, cache, res, segs.value);
      if (method === 'PUT') return handlePut({ config, cache, uploads }, req, res, segs.value, expectsContinue, meter);
      return sendError(res, 405, 'method_not_allowed', `${method} is not part of the protocol for /files/ (HEAD, PUT)`, {}, { Allow: 'HEAD, PUT' });
    }
    if (urlPath === '/health' || urlPath === '/status') {
      return sendError(res, 405, 'method_not_allowed', `${urlPath} takes GET`, {}, { Allow: 'GET' });
    }
    return sendError(res, 404, 'not_found', `no such endpoint ${urlPath} (GET /health, GET /status, HEAD|PUT /files/<path>)`);
  }

  function onRequest(req: http.IncomingMessage, res: http.ServerResponse, expectsContinue: boolean): void {
    const t0 = Date.now();
    const meter = { bytes: 0 };
    const job = route(req, res, expectsContinue, meter)
      .catch((err) => {
        // Our own failure (a disk error, a race with a deleted file): one line to the client and the log.
        log(`${new Date().toISOString()} error in ${req.method} ${req.url}: ${describeError(err)}`);
        sendError(res, 500, 'agent_error', `agent ${config.name}: ${describeError(err)}`);
      })
      .then(() => {
        // Logged once the handler is done (partial synced, upload slot released), not at socket close.
        const status = res.headersSent ? res.statusCode : 'client-gone';
        log(`${new Date().toISOString()} ${req.method} ${req.url} ${status} ${meter.bytes}B ${Date.now() - t0}ms`);
      });
    inFlight.add(job);
    void job.finally(() => inFlight.delete(job));
  }

  const server = http.createServer({ requestTimeout: 0, keepAlive: true, keepAliveInitialDelay: 30000, highWaterMark: 1 << 20 });
  server.on('request', (req, res) => onRequest(req, res, false));
  // Answering `Expect: 100-continue` ourselves lets a refusal (401, 409, 507) go out before the body.
  server.on('checkContinue', (req, res) => onRequest(req, res, true));
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
