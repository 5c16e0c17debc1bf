import { authorized, authState } from './auth';
import type { AgentContext, Exchange, Handler } from './exchange';
import { handleFileInfo } from './fileInfo';
import { getFile, headFile, putFile } from './filesRoutes';
import { handleHealth } from './health';
import { FILES_PREFIX } from './paths';
import { sendError } from './respond';
import { handleStatus } from './status';
import { handleSyncFile } from './syncFile';
import { handleSyncPull } from './syncPull';
import { handleUpload } from './uploadForm';

const METHODS = ['GET', 'HEAD', 'PUT', 'POST'] as const;
type Method = (typeof METHODS)[number];
const isMethod = (m: string | undefined): m is Method => (METHODS as readonly (string | undefined)[]).includes(m);

interface Route {
  /** An exact path, or a prefix ending in '/' that takes the rest as a file path. */
  path: string;
  methods: Partial<Record<Method, Handler>>;
}

/**
 * Every endpoint, exact paths before the `/files/` prefix: so GET /files/info and
 * POST /files/upload are the orchestrator's endpoints, and every other /files/<rel> a file.
 */
const ROUTES: readonly Route[] = [
  { path: '/health', methods: { GET: handleHealth } },
  { path: '/status', methods: { GET: handleStatus } },
  { path: '/files/info', methods: { GET: handleFileInfo } },
  { path: '/files/upload', methods: { POST: handleUpload } },
  { path: '/sync/file', methods: { GET: handleSyncFile } },
  { path: '/sync/pull', methods: { POST: handleSyncPull } },
  { path: FILES_PREFIX, methods: { GET: getFile, HEAD: headFile, PUT: putFile } },
];

/** Answered without a token, as on the orchestrator: a client learns what listens before it authenticates. */
const OPEN_PATHS: ReadonlySet<string> = new Set(['/health']);

const ENDPOINTS = 'GET /health, GET /status, GET /files/info, POST /files/upload, GET|HEAD|PUT /files/<path>, GET /sync/file, POST /sync/pull';

const matches = (route: Route, urlPath: string) => (route.path.endsWith('/') ? urlPath.startsWith(route.path) : urlPath === route.path);

/** Token check, then the handler for the method and path: 405 with Allow, or 404 listing the endpoints. */
export async function route(ctx: AgentContext, ex: Exchange): Promise<void> {
  const { config } = ctx;
  if (!OPEN_PATHS.has(ex.urlPath) && !authorized(authState(config.token, ex.req.headers))) {
    return sendError(ex.res, 401, 'unauthorized', `agent ${config.name} wants 'Authorization: Bearer <token>' (or 'X-RingRift-Auth: <token>') with the token it was started with`,
      {}, { 'WWW-Authenticate': 'Bearer' });
  }
  const candidates = ROUTES.filter((r) => matches(r, ex.urlPath));
  const method = ex.req.method;
  const handler = isMethod(method) ? candidates.map((r) => r.methods[method]).find((h) => h !== undefined) : undefined;
  if (handler) return handler(ctx, ex);
  if (candidates.length === 0) return sendError(ex.res, 404, 'not_found', `no such endpoint ${ex.urlPath} on ${config.name} (${ENDPOINTS})`);
  const allow = [...new Set(candidates.flatMap((r) => Object.keys(r.methods)))].sort().join(', ');
  return sendError(ex.res, 405, 'method_not_allowed', `${ex.req.method} is not part of the protocol for ${ex.urlPath} (${allow})`, {}, { Allow: allow });
}
