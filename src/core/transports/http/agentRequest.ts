import * as http from 'node:http';
import type { AgentTransportKind } from '../../hosts/nodeSpec';
import { describeError, fail, ok, type Result } from '../../result';

/** Where one agent listens: p2p uses `address:p2pPort`, http uses `sshHost:httpPort`. */
export interface AgentEndpoint {
  kind: AgentTransportKind;
  node: string;
  host: string;
  port: number;
  token?: string;
}

export function endpointLabel(ep: AgentEndpoint): string {
  return ep.host.includes(':') ? `[${ep.host}]:${ep.port}` : `${ep.host}:${ep.port}`;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

export type RequestFailure =
  | 'refused' | 'connect_timeout' | 'no_answer' | 'idle_timeout' | 'cancelled' | 'unreachable' | 'dns' | 'connection_reset' | 'local_read_failed';

export interface AgentReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The (small) response body as text. */
  body: string;
}

export interface AgentCall {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST';
  path: string;
  headers?: Record<string, string | number>;
  connectTimeoutMs: number;
  /** Bound on the whole call (probes): a peer that accepts and never answers fails in time. */
  totalTimeoutMs?: number;
  /** Bound on silence (pushes): fails when neither `touch()` nor response bytes happen for this long. */
  idleTimeoutMs?: number;
  /**
   * Streams the request body after the agent's `100 Continue` (or after 1 s without one, for
   * agents that ignore `Expect`). Must end the request; calls `touch()` as bytes go out.
   */
  sendBody?: (req: http.ClientRequest, touch: () => void) => Promise<void>;
}

/** Replies are small JSON documents; anything longer is cut here. */
const MAX_REPLY_BYTES = 1 << 20;
const CONTINUE_FALLBACK_MS = 1000;

function socketFailure(err: NodeJS.ErrnoException, ep: AgentEndpoint): { code: RequestFailure; message: string } {
  const where = `${ep.kind}: ${endpointLabel(ep)}`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return {
        code: 'refused',
        // A refusal proves only that nothing listens on this port; `doctor` tells an agent that is
        // down from a node that is down by checking the node's other ports.
        message: `${where} refused the connection: no agent listens on port ${ep.port} (agent down, or the whole node: 'ringrift-sync doctor ${ep.node}' tells which)`,
      };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return { code: 'dns', message: `${where}: '${ep.host}' does not resolve (${err.code}); check the node's address in the hosts file` };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
      return { code: 'unreachable', message: `${where}: no route (${err.code}): the node or its network is down` };
    case 'ECONNRESET':
    case 'EPIPE':
      return { code: 'connection_reset', message: `${where}: the connection was cut (${err.code}); a partial upload stays on the node for the next attempt` };
    default:
      return { code: 'connection_reset', message: `${where}: ${describeError(err)}` };
  }
}

/**
 * One HTTP exchange with an agent, bounded on every side (connect, silence, whole call, abort),
 * returning a value and never throwing. Each call uses its own connection so a stale pooled
 * socket can never stand in for "the agent answered".
 */
export function agentRequest(ep: AgentEndpoint, call: AgentCall, signal: AbortSignal): Promise<Result<AgentReply, RequestFailure>> {
  return new Promise((resolve) => {
    const where = `${ep.kind}: ${endpointLabel(ep)}`;
    const headers: Record<string, string | number> = { ...call.headers };
    if (ep.token) headers.Authorization = `Bearer ${ep.token}`;
    if (call.sendBody) headers.Expect = '100-continue';
    const req = http.request({ host: ep.host, port: ep.port, method: call.method, path: call.path, headers, agent: false });
    req.setNoDelay(true);
    const timers = new Set<NodeJS.Timeout>();
    const timer = (ms: number, fire: () => void) => {
      const t = setTimeout(fire, ms);
      timers.add(t);
      return t;
    };
    let settled = false;
    let connected = false;
    const finish = (r: Result<AgentReply, RequestFailure>) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      signal.removeEventListener('abort', onAbort);
      req.destroy();
      resolve(r);
    };
    const onAbort = () => finish(fail('cancelled', `${where}: cancelled`));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });

    const connectTimer = timer(call.connectTimeoutMs, () =>
      finish(fail('connect_timeout', `${where}: connect timed out after ${seconds(call.connectTimeoutMs)} (node down, or a firewall drops port ${ep.port})`)),
    );
    if (call.totalTimeoutMs !== undefined) {
      const total = call.totalTimeoutMs;
      timer(total, () =>
        connected
          ? finish(fail('no_answer', `${where}: TCP accepted but no HTTP answer in ${seconds(total)} (the agent is hung, or another program holds the port)`))
          : finish(fail('connect_timeout', `${where}: connect timed out after ${seconds(total)}`)),
      );
    }
    let idle: NodeJS.Timeout | undefined;
    const touch = () => {
      if (call.idleTimeoutMs === undefined || settled) return;
      const ms = call.idleTimeoutMs;
      if (idle) idle.refresh();
      else idle = timer(ms, () => finish(fail(connected ? 'idle_timeout' : 'connect_timeout', `${where}: no progress for ${seconds(ms)}; the agent or the network stalled`)));
    };

    req.once('socket', (sock) => {
      const onConnect = () => {
        connected = true;
        clearTimeout(connectTimer);
        touch();
      };
      if (!sock.connecting) onConnect();
      else sock.once('connect', onConnect);
    });
    req.on('error', (err) => {
      const f = socketFailure(err as NodeJS.ErrnoException, ep);
      finish(fail(f.code, f.message));
    });

    let bodyStarted = false;
    const startBody = () => {
      if (bodyStarted || settled || !call.sendBody) return;
      bodyStarted = true;
      call.sendBody(req, touch).catch((err) => finish(fail('local_read_failed', `${where}: reading the local file failed: ${describeError(err)}`)));
    };
    if (call.sendBody) {
      req.once('continue', startBody);
      req.once('socket', (sock) => sock.once('connect', () => timer(CONTINUE_FALLBACK_MS, startBody)));
    } else {
      req.end();
    }

    req.once('response', (res) => {
      touch();
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        touch();
        if (size < MAX_REPLY_BYTES) chunks.push(c);
        size += c.length;
      });
      res.once('end', () => finish(ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8').slice(0, MAX_REPLY_BYTES) })));
      res.once('error', (err) => req.emit('error', err));
    });
  });
}
