import * as http from 'node:http';
import type { AgentTransportKind } from '../../hosts/nodeSpec';
import { describeError, fail, ok, type Result } from '../../result';
import { rememberRoundTrip } from '../roundTrips';

/** Where one agent listens: p2p uses `address:p2pPort`, http uses `sshHost:httpPort`. */
export interface AgentEndpoint {
  kind: AgentTransportKind;
  node: string;
  host: string;
  port: number;
  token?: string;
  /**
   * Keep-alive connections a probe round's calls share (ProbeRound.agent): the probe's GET /health
   * opens one, its token check and the push right after it (HEAD, commit) reuse it. Without it (and
   * without `socketPool`) each call has its own connection.
   */
  pool?: http.Agent;
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
  /** How long the TCP connect took (one round trip); undefined on a reused connection. */
  connectMs?: number;
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
  /**
   * false: the body goes at once, without `Expect: 100-continue` (a ranged upload's ranges, whose
   * HEAD found the transfer welcome: the wait would cost a round trip per stream).
   */
  expectContinue?: boolean;
  /**
   * One stream's keep-alive connection, which its next call reuses (the ranges of one stream of a
   * ranged upload): no new handshake, 100-continue round trip and slow start per range. Without it
   * each call has its own connection.
   */
  socketPool?: http.Agent;
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
 * socket can never stand in for "the agent answered" (a probe), but for a ranged upload's streams
 * (`socketPool`), where a failed reuse just fails that range, and a probe round's calls (`ep.pool`),
 * which reuse only the connection its probe's GET /health just opened and the agent answered on.
 */
export function agentRequest(ep: AgentEndpoint, call: AgentCall, signal: AbortSignal): Promise<Result<AgentReply, RequestFailure>> {
  return new Promise((resolve) => {
    const req = http.request({ host: ep.host, port: ep.port, method: call.method, path: call.path, headers: requestHeaders(ep, call), agent: call.socketPool ?? ep.pool ?? false });
    req.setNoDelay(true);
    const x = newExchange(ep, call, req, signal, resolve);
    if (signal.aborted) return x.cancel();
    signal.addEventListener('abort', x.cancel, { once: true });
    const connectTimer = armTimeouts(x, ep, call);
    watchConnection(x, ep, connectTimer);
    sendBodyOrEnd(x, call);
    readReply(x);
  });
}

function requestHeaders(ep: AgentEndpoint, call: AgentCall): Record<string, string | number> {
  const headers: Record<string, string | number> = { ...call.headers };
  if (ep.token) headers.Authorization = `Bearer ${ep.token}`;
  if (call.sendBody && call.expectContinue !== false) headers.Expect = '100-continue';
  return headers;
}

/** What the listeners of one call share: its timers, whether it connected, and the one way it ends. */
interface Exchange {
  readonly where: string;
  readonly req: http.ClientRequest;
  connected: boolean;
  /** The TCP connect's duration, when this call made the connection. */
  connectMs: number | undefined;
  settled: boolean;
  /** A timer that the end of the call clears. */
  timer(ms: number, fire: () => void): NodeJS.Timeout;
  /** Ends the call once: later results are dropped. */
  finish(r: Result<AgentReply, RequestFailure>): void;
  cancel(): void;
  /** Progress: (re)starts the silence bound, when the call has one. */
  touch(): void;
}

function newExchange(
  ep: AgentEndpoint, call: AgentCall, req: http.ClientRequest, signal: AbortSignal, resolve: (r: Result<AgentReply, RequestFailure>) => void,
): Exchange {
  const timers = new Set<NodeJS.Timeout>();
  let idle: NodeJS.Timeout | undefined;
  const x: Exchange = {
    where: `${ep.kind}: ${endpointLabel(ep)}`,
    req,
    connected: false,
    connectMs: undefined,
    settled: false,
    timer: (ms, fire) => {
      const t = setTimeout(fire, ms);
      timers.add(t);
      return t;
    },
    finish: (r) => {
      if (x.settled) return;
      x.settled = true;
      for (const t of timers) clearTimeout(t);
      signal.removeEventListener('abort', x.cancel);
      // A whole reply to a whole request leaves a pooled connection to its stream's next call;
      // anything else ends it (a refusal that came before the body ended, say).
      if (!(r.ok && (call.socketPool ?? ep.pool) && req.writableFinished)) req.destroy();
      resolve(r);
    },
    cancel: () => x.finish(fail('cancelled', `${x.where}: cancelled`)),
    touch: () => {
      if (call.idleTimeoutMs === undefined || x.settled) return;
      const ms = call.idleTimeoutMs;
      if (idle) idle.refresh();
      else idle = x.timer(ms, () => x.finish(fail(x.connected ? 'idle_timeout' : 'connect_timeout', `${x.where}: no progress for ${seconds(ms)}; the agent or the network stalled`)));
    },
  };
  return x;
}

/** The connect bound, and the whole-call bound when the call has one; returns the connect timer (cleared on connect). */
function armTimeouts(x: Exchange, ep: AgentEndpoint, call: AgentCall): NodeJS.Timeout {
  const connectTimer = x.timer(call.connectTimeoutMs, () =>
    x.finish(fail('connect_timeout', `${x.where}: connect timed out after ${seconds(call.connectTimeoutMs)} (node down, or a firewall drops port ${ep.port})`)),
  );
  if (call.totalTimeoutMs !== undefined) {
    const total = call.totalTimeoutMs;
    x.timer(total, () =>
      x.connected
        ? x.finish(fail('no_answer', `${x.where}: TCP accepted but no HTTP answer in ${seconds(total)} (the agent is hung, or another program holds the port)`))
        : x.finish(fail('connect_timeout', `${x.where}: connect timed out after ${seconds(total)}`)),
    );
  }
  return connectTimer;
}

/** Marks the call connected (ending the connect bound), and turns socket errors into failures. */
function watchConnection(x: Exchange, ep: AgentEndpoint, connectTimer: NodeJS.Timeout): void {
  x.req.once('socket', (sock) => {
    const connected = (connectMs?: number) => {
      x.connected = true;
      x.connectMs = connectMs;
      clearTimeout(connectTimer);
      x.touch();
    };
    if (!sock.connecting) return connected(); // a pooled connection: no connect to time
    const start = performance.now();
    sock.once('connect', () => {
      const ms = performance.now() - start;
      rememberRoundTrip(ep.node, ms, ep.kind);
      connected(ms);
    });
  });
  x.req.on('error', (err) => {
    const f = socketFailure(err as NodeJS.ErrnoException, ep);
    x.finish(fail(f.code, f.message));
  });
}

/** Ends a bodiless request now; else streams the body at once, or after `100 Continue` (or 1 s after connect without one) when it expects one. */
function sendBodyOrEnd(x: Exchange, call: AgentCall): void {
  let bodyStarted = false;
  const startBody = () => {
    if (bodyStarted || x.settled || !call.sendBody) return;
    bodyStarted = true;
    call.sendBody(x.req, x.touch).catch((err) => x.finish(fail('local_read_failed', `${x.where}: reading the local file failed: ${describeError(err)}`)));
  };
  if (call.sendBody && call.expectContinue === false) {
    startBody();
  } else if (call.sendBody) {
    x.req.once('continue', startBody);
    const fallback = () => x.timer(CONTINUE_FALLBACK_MS, startBody);
    // A reused keep-alive socket is connected already: it emits no 'connect'.
    x.req.once('socket', (sock) => (sock.connecting ? sock.once('connect', fallback) : fallback()));
  } else {
    x.req.end();
  }
}

/** Collects the reply (cut at MAX_REPLY_BYTES); every chunk counts as progress. */
function readReply(x: Exchange): void {
  x.req.once('response', (res) => {
    x.touch();
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      x.touch();
      if (size < MAX_REPLY_BYTES) chunks.push(c);
      size += c.length;
    });
    res.once('end', () => x.finish(ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8').slice(0, MAX_REPLY_BYTES), ...(x.connectMs !== undefined ? { connectMs: x.connectMs } : {}) })));
    res.once('error', (err) => x.req.emit('error', err));
  });
}
