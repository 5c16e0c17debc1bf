import { fail, type Failure } from '../result';
import { DEFAULT_KEY_NAMES } from './userFiles';

/** Stable reasons an SSH connection or command failed (router, CLI and doctor branch on these). */
export type SshErrorCode =
  | 'refused'
  | 'connect_timeout'
  | 'handshake_timeout'
  | 'host_key_changed'
  | 'host_key_unknown'
  | 'host_key_revoked'
  | 'auth_failed'
  | 'dns'
  | 'unreachable'
  | 'disconnected'
  | 'cancelled'
  /** Exec bounded by `timeoutMs` ran out. */
  | 'timeout'
  /** Missing ssh_host, unreadable ssh config or known_hosts. */
  | 'bad_config'
  /** Anything else the SSH layer reported (protocol errors). */
  | 'ssh_error';

export type SshFailure = Failure<SshErrorCode>;

/** Where an error happened, for messages: `node gpu-5: ssh ubuntu@10.0.0.5:22`. */
export interface HopLabel {
  node: string;
  user: string;
  host: string;
  port: number;
  /** Set when this hop is a ProxyJump host in front of the node. */
  jumpFor?: string;
  /** Keys offered, for auth messages. */
  keyFiles: string[];
  /** Why some keys were not offered. */
  skippedKeys: string[];
  agent: boolean;
}

export function hopText(h: HopLabel): string {
  const where = h.user ? `ssh ${h.user}@${h.host}:${h.port}` : `ssh ${h.host}:${h.port}`;
  return h.jumpFor ? `node ${h.node}: jump host ${where}` : `node ${h.node}: ${where}`;
}

/** Maps an ssh2 / socket error to a code and a message an operator can act on. */
export function classifySshError(err: Error & { level?: string; code?: string }, hop: HopLabel, phase: { tcpConnected: boolean }): SshFailure {
  const at = hopText(hop);
  const sysCode = typeof err.code === 'string' ? err.code : undefined;
  if (err.level === 'client-authentication') return authFailure(hop);
  if (err.level === 'client-dns' || sysCode === 'ENOTFOUND' || sysCode === 'EAI_AGAIN') {
    return fail('dns', `${at}: cannot resolve host name '${hop.host}' (${sysCode ?? err.message}); check ssh_host in the hosts file or HostName in ~/.ssh/config`);
  }
  switch (sysCode) {
    case 'ECONNREFUSED':
      return fail('refused', `${at}: connection refused: no sshd listens on port ${hop.port} (check ssh_port, or start sshd on the node)`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return fail('unreachable', `${at}: host unreachable (${sysCode}); check the address and the network route`);
    case 'ETIMEDOUT':
      return fail('connect_timeout', `${at}: TCP connect timed out (no answer to the SYN); the node is down, a firewall drops port ${hop.port}, or it is behind NAT`);
    case 'ECONNRESET':
    case 'EPIPE':
      return fail('disconnected', `${at}: connection reset by the node (${sysCode}); try again`);
  }
  if (err.level === 'client-timeout') {
    return fail('disconnected', `${at}: the node stopped answering keepalives; the connection was dropped`);
  }
  if (!phase.tcpConnected) return fail('ssh_error', `${at}: cannot connect: ${err.message}`);
  if (/before handshake/i.test(err.message)) {
    return fail('disconnected', `${at}: the node closed the connection before the SSH handshake (sshd overloaded, MaxStartups, or not an SSH server)`);
  }
  return fail('ssh_error', `${at}: SSH error: ${err.message}`);
}

export function authFailure(hop: HopLabel): SshFailure {
  const offered = hop.keyFiles.length ? `key ${hop.keyFiles.join(', ')}` : 'no key file';
  const agent = hop.agent ? ' and ssh-agent' : '';
  const skipped = hop.skippedKeys.length ? ` (${hop.skippedKeys.join('; ')})` : '';
  const key = hop.keyFiles[0] ?? `~/.ssh/${DEFAULT_KEY_NAMES[0]}`;
  return fail(
    'auth_failed',
    `${hopText(hop)}: authentication as '${hop.user}' failed with ${offered}${agent}${skipped}; ` +
      `authorise the key on the node: ssh-copy-id -i ${key} ${hop.user}@${hop.host} -p ${hop.port}`,
  );
}

export function timeoutFailure(hop: HopLabel, ms: number, tcpConnected: boolean): SshFailure {
  const at = hopText(hop);
  return tcpConnected
    ? fail('handshake_timeout', `${at}: TCP connected but no SSH handshake/login within ${ms} ms (sshd hung or overloaded, or not an SSH server on port ${hop.port})`)
    : fail('connect_timeout', `${at}: no TCP connection within ${ms} ms (node down, or a firewall drops port ${hop.port})`);
}

export function cancelledFailure(hop: { node: string }, what: string): SshFailure {
  return fail('cancelled', `node ${hop.node}: ${what} cancelled`);
}
