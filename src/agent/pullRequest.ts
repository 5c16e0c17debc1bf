import { DEFAULT_P2P_PORT } from '../core/hosts/defaults';
import { describeError, fail, ok, type Result } from '../core/result';
import { header, type Exchange } from './exchange';
import { treeSegments } from './orchestratorPaths';

/** POST /sync/pull's body, checked: where to fetch from and which files. */
export interface PullRequest {
  sourceNodeId: string;
  sourceHost: string;
  sourcePort: number;
  /** Each entry as given (it is sent to the source as is) with its segments under ROOT. */
  files: Array<{ entry: string; segments: string[] }>;
}

const MAX_BODY = 1 << 20;
const MAX_FILES = 10000;

/**
 * Reads the JSON body (at most 1 MiB), answering `100 Continue` first when the client waits for
 * it. A longer body is read to its end unkept, so the refusal reaches the client.
 */
export async function readJsonBody(ex: Exchange): Promise<Result<unknown, 'bad_body'>> {
  const tooLong = fail('bad_body', `${ex.urlPath}: the JSON body is longer than ${MAX_BODY} bytes`);
  if (Number(header(ex.req, 'content-length') ?? 0) > MAX_BODY) return tooLong;
  if (ex.expectsContinue) ex.res.writeContinue();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ex.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    ex.meter.bytes += chunk.length;
    if (size <= MAX_BODY) chunks.push(chunk);
  }
  if (size > MAX_BODY) return tooLong;
  try {
    return ok(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
  } catch (err) {
    return fail('bad_body', `${ex.urlPath}: the body is not JSON (${describeError(err)})`);
  }
}

/**
 * `{"source_node_id", "source_host", "source_port"?, "files": [...]}`. Every entry must pass the
 * agent's path rules, else the whole request is refused before anything is fetched.
 */
export function parsePullRequest(body: unknown): Result<PullRequest, 'bad_body'> {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const { source_node_id: id, source_host: host, files } = b;
  // The orchestrator's DEFAULT_PORT, the p2p port, when the body names none.
  const port = b.source_port ?? DEFAULT_P2P_PORT;
  if (typeof id !== 'string' || id === '') return fail('bad_body', 'POST /sync/pull: source_node_id must be a non-empty string');
  if (typeof host !== 'string' || !/^[\w.:[\]%-]+$/.test(host)) return fail('bad_body', `POST /sync/pull: source_host must be a host name or IP address, got ${JSON.stringify(host)}`);
  if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) return fail('bad_body', `POST /sync/pull: source_port must be 1-65535, got ${JSON.stringify(port)}`);
  if (!Array.isArray(files) || files.length === 0 || files.length > MAX_FILES) return fail('bad_body', `POST /sync/pull: files must be a list of 1-${MAX_FILES} paths`);
  const checked: PullRequest['files'] = [];
  for (const entry of files as unknown[]) {
    if (typeof entry !== 'string') return fail('bad_body', `POST /sync/pull: files entry ${JSON.stringify(entry)} is not a string`);
    const segs = treeSegments('data', entry);
    if (!segs.ok) return fail('bad_body', `POST /sync/pull: files entry ${JSON.stringify(entry)}: ${segs.message}; nothing was pulled`);
    checked.push({ entry, segments: segs.value });
  }
  return ok({ sourceNodeId: id, sourceHost: host.replace(/^\[(.*)\]$/, '$1'), sourcePort: port as number, files: checked });
}
