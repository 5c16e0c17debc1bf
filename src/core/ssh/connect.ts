import type { Duplex } from 'node:stream';
import { Client, type AnyAuthMethod, type ConnectConfig } from 'ssh2';
import type { NodeSpec } from '../hosts/nodeSpec';
import type { TransportOptions } from '../transports/transport';
import { fail, ok, type Result } from '../result';
import { loadKeys } from './authKeys';
import { algorithmsForKeyType, decideHostKey } from './hostKeyPolicy';
import { knownKeyTypes } from './knownHosts';
import { Ssh2Session, type SshSession } from './session';
import { cancelledFailure, authFailure, classifySshError, hopText, timeoutFailure, type HopLabel, type SshErrorCode, type SshFailure } from './sshErrors';
import { resolveSshTarget, type SshEndpoint } from './target';

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
  for (const [i, hop] of hops.entries()) {
    const isJump = i < hops.length - 1;
    const conn = await connectHop(node.name, hop, isJump ? target.value.host : undefined, opts, signal, sock);
    if (!conn.ok) {
      closeAll();
      return conn;
    }
    clients.push(conn.value);
    if (isJump) {
      const next = hops[i + 1];
      const fwd = await forwardTo(conn.value, next, node.name, hop);
      if (!fwd.ok) {
        closeAll();
        return fwd;
      }
      sock = fwd.value;
    }
  }
  const last = hops[hops.length - 1];
  const label = `node ${node.name}: ssh ${last.user}@${last.host}:${last.port}`;
  return ok(new Ssh2Session(label, clients[clients.length - 1], clients.slice(0, -1)));
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
): Promise<Result<Client, SshErrorCode>> {
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

  return new Promise((resolve) => {
    const client = new Client();
    let settled = false;
    let tcpConnected = !!sock;
    let hostKeyRefusal: SshFailure | undefined;
    let readyTimer: NodeJS.Timeout | undefined;
    const settle = (r: Result<Client, SshErrorCode>) => {
      if (settled) return;
      settled = true;
      clearTimeout(readyTimer);
      signal.removeEventListener('abort', onAbort);
      if (!r.ok) client.destroy();
      resolve(r);
    };
    // Our own ready timer instead of ssh2's readyTimeout: it must pause while a person decides
    // about an unknown host key, which ssh2's cannot. Same bound otherwise (connect -> logged in).
    let deadline = Date.now() + opts.connectTimeoutMs;
    const armTimer = () => {
      const fire = () => settle(timeoutFailure(label, opts.connectTimeoutMs, tcpConnected));
      readyTimer = setTimeout(fire, Math.max(0, deadline - Date.now()));
    };
    const onAbort = () => settle(cancelledFailure(label, 'SSH connection'));
    signal.addEventListener('abort', onAbort, { once: true });

    const config: ConnectConfig = {
      host: hop.host,
      port: hop.port,
      username: hop.user,
      sock: sock as ConnectConfig['sock'],
      readyTimeout: 0,
      keepaliveInterval: KEEPALIVE_MS,
      keepaliveCountMax: KEEPALIVE_COUNT,
      algorithms: { serverHostKey: hostKeyOrder as never },
      hostVerifier: (blob: Buffer, verify: (ok: boolean) => void) => {
        clearTimeout(readyTimer); // a prompt may follow: time spent deciding is not the node's
        const pausedAt = Date.now();
        void decideHostKey(nodeName, hop.host, hop.port, blob, opts).then((decision) => {
          if (!settled) {
            deadline += Date.now() - pausedAt;
            if (decision.ok) armTimer();
            else hostKeyRefusal = decision;
          }
          verify(decision.ok); // also on a re-key after login
          if (!decision.ok) settle(decision);
        });
      },
      authHandler: auths,
    };
    client.on('connect', () => (tcpConnected = true));
    client.on('ready', () => settle(ok(client)));
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      settle(hostKeyRefusal ?? (err.level === 'client-authentication' ? authFailure(label) : classifySshError(err, label, { tcpConnected })));
    });
    client.on('close', () => settle(fail('disconnected', `${hopText(label)}: connection closed during login`)));
    armTimer();
    try {
      client.connect(config);
    } catch (err) {
      settle(fail('ssh_error', `${hopText(label)}: cannot start SSH: ${(err as Error).message}`));
    }
  });
}
