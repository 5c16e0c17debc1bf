import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { AnyAuthMethod, Client, ConnectConfig } from 'ssh2';
import type { NodeSpec } from '../hosts/nodeSpec';
import type { TransportOptions } from '../transports/transport';
import { fail, ok, type Result } from '../result';
import { loadKeys } from './authKeys';
import { algorithmsForKeyType, decideHostKey } from './hostKeyPolicy';
import { knownKeyTypes } from './knownHosts';
import { rememberRoundTrip } from '../transports/roundTrips';
import { Ssh2Session, type SshSession } from './session';
import { cancelledFailure, authFailure, classifySshError, hopText, timeoutFailure, type HopLabel, type SshErrorCode, type SshFailure } from './sshErrors';
import { resolveSshTarget, type SshEndpoint } from './target';
import { poolPackets } from './packetPool';
import { ssh2 } from './ssh2Module';

export interface SshOverrides {
  /** ssh config to resolve the host through (default: opts.sshConfigFile, else ~/.ssh/config). */
  sshConfigFile?: string;
}

/** Keepalive: a dead peer is noticed after about 3 x 5 s, well inside any idle bound. */
const KEEPALIVE_MS = 5000;
const KEEPALIVE_COUNT = 3;
/** ssh2's default host key order; the types known_hosts holds for the host are moved in front. */
const HOST_KEY_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

/**
 * Opens an authenticated SSH connection to a node, through its ProxyJump hops if ssh_config names
 * any. The whole setup, in order:
 *   1. resolve the endpoint (hosts file fields over ssh_config, see target.ts) and the jump chain;
 *   2. per hop: load keys (asking for passphrases), connect, verify the host key against known_hosts
 *      BEFORE authenticating (hostVerifier, async), then offer keys and ssh-agent;
 *   3. between hops: `forwardOut` to the next hop, whose SSH runs over that channel.
 * Never throws; every failure names the node, the hop and what to do.
 */
export async function openSsh(
  node: NodeSpec,
  opts: TransportOptions,
  signal: AbortSignal,
  overrides: SshOverrides = {},
): Promise<Result<SshSession, SshErrorCode>> {
  if (signal.aborted) return cancelledFailure({ node: node.name }, 'SSH connection');
  if (!node.sshHost) {
    return fail('bad_config', `node ${node.name}: no ssh_host in the hosts file: SSH transports (rsync, base64) cannot reach it`);
  }
  const configFile = overrides.sshConfigFile ?? opts.sshConfigFile;
  const target = await resolveSshTarget(node, node.sshHost, opts.env, configFile);
  if (!target.ok) return fail('bad_config', `node ${node.name}: ${target.message}`);
  const hops: SshEndpoint[] = [...target.value.jumps, target.value];
  const clients: Client[] = [];
  const closeAll = () => clients.forEach((c) => c.destroy());
  let sock: Duplex | undefined;
  // The first hop's TCP socket carries every hop's bytes: channel writes are paced by it.
  let tcp: Socket | undefined;
  // The path's round trip: the first hop's TCP connect, plus each jump's channel to the next hop.
  let rttMs = 0;
  for (const [i, hop] of hops.entries()) {
    const isJump = i < hops.length - 1;
    const conn = await connectHop(node.name, hop, isJump ? target.value.host : undefined, opts, signal, sock);
    if (!conn.ok) {
      closeAll();
      return conn;
    }
    clients.push(conn.value.client);
    tcp ??= conn.value.tcp;
    rttMs += conn.value.connectMs;
    if (isJump) {
      const next = hops[i + 1];
      const forwardStart = performance.now();
      const fwd = await forwardTo(conn.value.client, next, node.name, hop);
      if (!fwd.ok) {
        closeAll();
        return fwd;
      }
      rttMs += performance.now() - forwardStart;
      sock = fwd.value;
    }
  }
  const last = hops[hops.length - 1];
  const label = `node ${node.name}: ssh ${last.user}@${last.host}:${last.port}`;
  rememberRoundTrip(node.name, rttMs);
  // The first hop is always a TCP connect of ours: tcp is set.
  const wires = { client: clients[clients.length - 1], tcp: tcp as Socket, hops: clients.slice(0, -1) };
  return ok(new Ssh2Session(label, wires, rttMs));
}

/** A logged-in hop, its TCP socket (a direct hop's) and how long its connect took (0 over a jump's channel). */
interface HopConnection {
  client: Client;
  tcp: Socket | undefined;
  connectMs: number;
}

function forwardTo(client: Client, next: SshEndpoint, nodeName: string, via: SshEndpoint): Promise<Result<Duplex, SshErrorCode>> {
  return new Promise((resolve) => {
    client.forwardOut('127.0.0.1', 0, next.host, next.port, (err, stream) => {
      if (err) {
        resolve(fail('refused', `node ${nodeName}: jump host ${via.host}:${via.port} cannot reach ${next.host}:${next.port} (${err.message}); check ProxyJump and that the jump host may forward (AllowTcpForwarding)`));
      } else {
        resolve(ok(stream));
      }
    });
  });
}

/** One SSH hop: TCP (or the jump channel), host key check, authentication. */
async function connectHop(
  nodeName: string,
  hop: SshEndpoint,
  jumpFor: string | undefined,
  opts: TransportOptions,
  signal: AbortSignal,
  sock: Duplex | undefined,
): Promise<Result<HopConnection, SshErrorCode>> {
  const agentSock = opts.env.SSH_AUTH_SOCK || undefined;
  // A key named in the hosts file or ssh_config that is missing is worth a note; absent defaults are not.
  const loaded = await loadKeys(hop.keyFiles, opts.onPassphrase, (f) => !/\/\.ssh\/id_(ed25519|rsa|ecdsa)$/.test(f));
  const label: HopLabel = {
    node: nodeName, user: hop.user, host: hop.host, port: hop.port, jumpFor,
    keyFiles: loaded.keys.map((k) => k.file), skippedKeys: loaded.skipped, agent: !!agentSock,
  };
  if (loaded.keys.length === 0 && !agentSock) return authFailure(label);
  if (signal.aborted) return cancelledFailure(label, 'SSH connection');
  const known = await knownKeyTypes(opts.knownHostsFile, hop.host, hop.port);
  const preferred = known.flatMap(algorithmsForKeyType).filter((a) => HOST_KEY_ALGORITHMS.includes(a));
  const hostKeyOrder = [...new Set([...preferred, ...HOST_KEY_ALGORITHMS])];
  const auths: AnyAuthMethod[] = [
    ...loaded.keys.map((k): AnyAuthMethod => ({ type: 'publickey', username: hop.user, key: k.key })),
    ...(agentSock ? [{ type: 'agent', username: hop.user, agent: agentSock } as AnyAuthMethod] : []),
  ];
  return loginHop({ nodeName, hop, label, opts, signal, sock, hostKeyOrder, auths });
}

/** What connectHop worked out for one hop before connecting to it. */
interface HopPlan {
  nodeName: string;
  hop: SshEndpoint;
  label: HopLabel;
  opts: TransportOptions;
  signal: AbortSignal;
  sock: Duplex | undefined;
  hostKeyOrder: string[];
  auths: AnyAuthMethod[];
}

function loginHop(p: HopPlan): Promise<Result<HopConnection, SshErrorCode>> {
  return new Promise((resolve) => {
    const client = new (ssh2().Client)();
    // Ours rather than ssh2's, so the session can see what it has yet to send (socketPacing.ts).
    const tcp = p.sock ? undefined : new Socket();
    const s = newHopLogin(client, p, resolve);
    const connectStart = performance.now();
    p.signal.addEventListener('abort', s.cancel, { once: true });
    const config: ConnectConfig = {
      host: p.hop.host,
      port: p.hop.port,
      username: p.hop.user,
      sock: (p.sock ?? tcp) as ConnectConfig['sock'],
      readyTimeout: 0,
      keepaliveInterval: KEEPALIVE_MS,
      keepaliveCountMax: KEEPALIVE_COUNT,
      algorithms: { serverHostKey: p.hostKeyOrder as never },
      hostVerifier: hostKeyVerifier(p, s),
      authHandler: p.auths,
    };
    client.on('connect', () => {
      s.tcpConnected = true;
      // SSH sends small messages back to back (NEWKEYS then SERVICE_REQUEST, a prefix line then a
      // commit): under Nagle each second one waits for the peer's delayed ACK, 40 ms or a round
      // trip. A login at 40 ms took 0.59 s with it, 0.30 s without.
      client.setNoDelay(true);
      if (!p.sock) s.connectMs = performance.now() - connectStart;
      // A direct login's connect is the node's round trip: told now, not after the key exchange.
      if (!p.sock && !p.label.jumpFor) rememberRoundTrip(p.nodeName, s.connectMs);
    });
    client.on('ready', () => {
      if (tcp) poolPackets(client, tcp);
      s.settle(ok({ client, tcp, connectMs: s.connectMs }));
    });
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      s.settle(s.hostKeyRefusal ?? (err.level === 'client-authentication' ? authFailure(p.label) : classifySshError(err, p.label, { tcpConnected: s.tcpConnected })));
    });
    client.on('close', () => s.settle(fail('disconnected', `${hopText(p.label)}: connection closed during login`)));
    s.armTimer();
    try {
      // Connecting before ssh2 gets it: ssh2 then waits for its 'connect', as for a socket of its own.
      tcp?.connect({ host: p.hop.host, port: p.hop.port });
      client.connect(config);
    } catch (err) {
      s.settle(fail('ssh_error', `${hopText(p.label)}: cannot start SSH: ${(err as Error).message}`));
    }
  });
}

/** One hop's login in flight: its ready timer, what is known so far, and the one way it ends. */
interface HopLogin {
  settled: boolean;
  tcpConnected: boolean;
  /** The TCP connect's duration: one round trip (and a name lookup) to the hop. */
  connectMs: number;
  hostKeyRefusal: SshFailure | undefined;
  readyTimer: NodeJS.Timeout | undefined;
  /** When the login must be done by; moved later by the time a host key decision took. */
  deadline: number;
  /** Ends the login once: later results are dropped. */
  settle(r: Result<HopConnection, SshErrorCode>): void;
  cancel(): void;
  /** (Re)arms the ready timer for what is left until the deadline. */
  armTimer(): void;
}

function newHopLogin(client: Client, p: HopPlan, resolve: (r: Result<HopConnection, SshErrorCode>) => void): HopLogin {
  const s: HopLogin = {
    settled: false,
    tcpConnected: !!p.sock,
    connectMs: 0,
    hostKeyRefusal: undefined,
    readyTimer: undefined,
    // Our own ready timer instead of ssh2's readyTimeout: it must pause while a person decides
    // about an unknown host key, which ssh2's cannot. Same bound otherwise (connect -> logged in).
    deadline: Date.now() + p.opts.connectTimeoutMs,
    settle: (r) => {
      if (s.settled) return;
      s.settled = true;
      clearTimeout(s.readyTimer);
      p.signal.removeEventListener('abort', s.cancel);
      if (!r.ok) client.destroy();
      resolve(r);
    },
    cancel: () => s.settle(cancelledFailure(p.label, 'SSH connection')),
    armTimer: () => {
      const fire = () => s.settle(timeoutFailure(p.label, p.opts.connectTimeoutMs, s.tcpConnected));
      s.readyTimer = setTimeout(fire, Math.max(0, s.deadline - Date.now()));
    },
  };
  return s;
}

/** Checks the host key against known_hosts before authenticating (ssh2's hostVerifier, async). */
function hostKeyVerifier(p: HopPlan, s: HopLogin): (blob: Buffer, verify: (ok: boolean) => void) => void {
  return (blob, verify) => {
    clearTimeout(s.readyTimer); // a prompt may follow: time spent deciding is not the node's
    const pausedAt = Date.now();
    void decideHostKey(p.nodeName, p.hop.host, p.hop.port, blob, p.opts).then((decision) => {
      if (!s.settled) {
        s.deadline += Date.now() - pausedAt;
        if (decision.ok) s.armTimer();
        else s.hostKeyRefusal = decision;
      }
      verify(decision.ok); // also on a re-key after login
      if (!decision.ok) s.settle(decision);
    });
  };
}
