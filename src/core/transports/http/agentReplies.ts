import type { AgentReply } from './agentRequest';
import { endpointLabel, type AgentEndpoint } from './agentRequest';
import { SET_TOKEN_HINT } from './orchestrator/token';

/** Reading our agent's answers: its JSON error bodies, its number headers, what a refusal means. */

/** What an agent's non-success answer to HEAD or PUT means (see `refusalOf`). */
export type AgentRefusal = 'bad_path' | 'bad_request' | 'unauthorized' | 'not_found' | 'busy' | 'conflict' | 'checksum_mismatch' | 'disk_full' | 'http_error';

export interface AgentErrorBody {
  error?: string;
  code?: string;
  freeBytes?: number;
  neededBytes?: number;
  partialSize?: number;
  size?: number;
  sha256?: string;
}

export function parseBody(reply: AgentReply): AgentErrorBody {
  try {
    const v: unknown = JSON.parse(reply.body);
    return v && typeof v === 'object' ? (v as AgentErrorBody) : {};
  } catch {
    return {};
  }
}

export function headerNumber(reply: AgentReply, name: string): number | undefined {
  const raw = reply.headers[name];
  const n = Number(Array.isArray(raw) ? raw[0] : raw);
  return raw === undefined || !Number.isSafeInteger(n) || n < 0 ? undefined : n;
}

export function mib(bytes: number): string {
  return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}

export function unauthorizedMessage(ep: AgentEndpoint): string {
  const where = `${ep.kind}: ${ep.node} (${endpointLabel(ep)})`;
  return ep.token
    ? `${where}: HTTP 401: agent rejected our token; use the token the agent was started with (--token): ${SET_TOKEN_HINT}`
    : `${where}: HTTP 401: agent wants a token; configure the token the agent was started with (--token): ${SET_TOKEN_HINT}`;
}

/** What an agent's non-success answer means for the operator: code and a line to act on. */
export function refusalOf(reply: AgentReply, ep: AgentEndpoint, rel: string): { code: AgentRefusal; message: string } | undefined {
  const where = `${ep.kind}: ${ep.node} (${endpointLabel(ep)})`;
  const body = parseBody(reply);
  const said = body.error ? `: ${body.error}` : '';
  switch (reply.status) {
    case 200:
    case 201:
    case 202:
      return undefined;
    case 400:
      return { code: body.code === 'bad_path' ? 'bad_path' : 'bad_request', message: `${where} refused ${rel}${said || ' (HTTP 400)'}` };
    case 401:
      return { code: 'unauthorized', message: unauthorizedMessage(ep) };
    case 404:
      return { code: 'not_found', message: `${where} has no /files/ endpoint (HTTP 404): is this a ringrift agent?` };
    case 409:
      return { code: body.code === 'busy' ? 'busy' : 'conflict', message: `${where} refused ${rel} (HTTP 409)${said}` };
    case 422:
      return { code: 'checksum_mismatch', message: `${where}: the bytes that arrived do not hash to the local file's sha256 (HTTP 422)${said}` };
    case 507: {
      const free = body.freeBytes ?? headerNumber(reply, 'x-free-bytes');
      const needed = body.neededBytes ?? headerNumber(reply, 'x-needed-bytes');
      const figures = free !== undefined && needed !== undefined ? `${mib(needed)} needed, ${mib(free)} free` : 'not enough space';
      const kept = body.partialSize !== undefined ? `the ${mib(body.partialSize)} received stay as a partial` : 'nothing was written';
      return { code: 'disk_full', message: `${where}: disk full for ${rel}: ${figures}; ${kept}; free space on the node and retry` };
    }
    default:
      return { code: 'http_error', message: `${where} answered HTTP ${reply.status} for ${rel}${said}` };
  }
}
