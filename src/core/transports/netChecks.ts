import * as net from 'node:net';

/**
 * The runbook's network checks: `nc -zv HOST PORT` (tcpCheck) and "is sshd actually answering"
 * (bannerCheck: a hung sshd accepts TCP and then says nothing). Each is bounded by its timeout and
 * returns a value; nothing throws. `tailscale status` lives in tailscaleStatus.ts.
 */

export { tailscalePeer } from './tailscaleStatus';

export type TcpOutcome = 'open' | 'refused' | 'timeout' | 'unreachable' | 'dns' | 'cancelled';

export interface TcpCheckResult {
  open: boolean;
  outcome: TcpOutcome;
  latencyMs: number;
  /** One line an operator can act on. */
  message: string;
}

export interface BannerCheckResult extends TcpCheckResult {
  /** The service sent something first within the time (an SSH server always does). */
  spoke: boolean;
  /** The first line it sent (e.g. `SSH-2.0-OpenSSH_9.2p1`), at most 200 characters. */
  banner?: string;
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Maps a socket error to an outcome and a message (`nc -zv`'s words, plus what to do). */
export function classifySocketError(err: NodeJS.ErrnoException, host: string, port: number): { outcome: TcpOutcome; message: string } {
  const where = hostPort(host, port);
  switch (err.code) {
    case 'ECONNREFUSED':
      return { outcome: 'refused', message: `${where}: connection refused (nothing listens there: service down or wrong port)` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return { outcome: 'dns', message: `${host}: name does not resolve (${err.code}): check the host name or DNS` };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
      return { outcome: 'unreachable', message: `${where}: no route (${err.code}): the node or its network is down, or tailscale is disconnected` };
    case 'ETIMEDOUT':
      return { outcome: 'timeout', message: `${where}: connect timed out (no answer to the SYN: firewall drops, the node is off, or NAT)` };
    default:
      return { outcome: 'unreachable', message: `${where}: ${err.message}` };
  }
}

interface Probe {
  host: string;
  port: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** After connecting, wait for the peer's first bytes (bannerCheck). */
  wantBanner: boolean;
}

function probeSocket(p: Probe): Promise<BannerCheckResult> {
  const started = Date.now();
  const where = hostPort(p.host, p.port);
  return new Promise((resolve) => {
    let settled = false;
    let connected = false;
    let banner = '';
    const sock = new net.Socket();
    const finish = (r: Omit<BannerCheckResult, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      p.signal?.removeEventListener('abort', onAbort);
      sock.destroy();
      resolve({ ...r, latencyMs: Date.now() - started });
    };
    const onAbort = () => finish({ open: connected, spoke: false, outcome: 'cancelled', message: `${where}: check cancelled` });
    const timer = setTimeout(() => {
      if (!connected) {
        finish({ open: false, spoke: false, outcome: 'timeout', message: `${where}: no answer to the SYN within ${p.timeoutMs} ms (firewall drops packets, the node is off, or NAT)` });
      } else {
        finish({
          open: true, spoke: false, outcome: 'open',
          message: `${where}: TCP accepted, but no banner within ${p.timeoutMs} ms: the service is hung (or is not SSH)`,
        });
      }
    }, p.timeoutMs);
    if (p.signal?.aborted) return onAbort();
    p.signal?.addEventListener('abort', onAbort, { once: true });
    sock.once('error', (err: NodeJS.ErrnoException) => finish({ open: false, spoke: false, ...classifySocketError(err, p.host, p.port) }));
    sock.once('connect', () => {
      connected = true;
      if (!p.wantBanner) finish({ open: true, spoke: false, outcome: 'open', message: `${where}: open` });
    });
    sock.on('data', (chunk: Buffer) => {
      banner += chunk.toString('latin1');
      const nl = banner.indexOf('\n');
      if (nl < 0 && banner.length < 200) return;
      const first = (nl >= 0 ? banner.slice(0, nl) : banner).replace(/\r$/, '').slice(0, 200);
      finish({ open: true, spoke: true, banner: first, outcome: 'open', message: `${where}: open, says '${first}'` });
    });
    sock.once('end', () =>
      finish({
        open: true, spoke: banner.length > 0, outcome: 'open',
        message: `${where}: accepted, then closed the connection${banner ? ` after '${banner.slice(0, 80).trim()}'` : ' without a word'} (sshd MaxStartups, or a TCP wrapper)`,
      }),
    );
    sock.connect({ host: p.host, port: p.port });
  });
}

/** `nc -zv host port`: can a TCP connection be made, and if not, why. */
export async function tcpCheck(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<TcpCheckResult> {
  const { spoke: _spoke, banner: _banner, ...r } = await probeSocket({ host, port, timeoutMs, signal, wantBanner: false });
  return r;
}

/** TCP open AND the service speaks first in time (SSH servers do): tells "down" from "hung". */
export function bannerCheck(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<BannerCheckResult> {
  return probeSocket({ host, port, timeoutMs, signal, wantBanner: true });
}
