import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import SSHConfig from 'ssh-config';
import { describeError, fail, ok, type Result } from '../result';
import { userSshFile } from './userFiles';

/**
 * What `~/.ssh/config` says about one host, for the ssh2 connection. Only the fields the product
 * uses: HostName, Port, User, IdentityFile, ProxyJump. `Match exec` blocks are never run (a config
 * read by an editor extension must not execute commands). Precedence against the hosts file
 * (a field written in distributed_hosts.yaml wins) is applied in target.ts.
 */
export interface SshConfigHost {
  /** HostName with `%h` expanded; undefined when the config sets none. */
  hostName: string | undefined;
  port: number | undefined;
  user: string | undefined;
  /** IdentityFile values in config order, not yet expanded (tokens need the final user and host). */
  identityFiles: string[];
  /** ProxyJump hops in order (empty for none or `ProxyJump none`). */
  proxyJump: JumpSpec[];
}

/** One `[user@]host[:port]` (or `ssh://[user@]host[:port]`) of a ProxyJump list. */
export interface JumpSpec {
  host: string;
  port: number | undefined;
  user: string | undefined;
}

export const EMPTY_SSH_CONFIG: SshConfigHost = { hostName: undefined, port: undefined, user: undefined, identityFiles: [], proxyJump: [] };

/** `~/.ssh/config` under the HOME of `env` (the product's env, not necessarily this process's). */
export function defaultSshConfigPath(env: NodeJS.ProcessEnv): string {
  return userSshFile(env, 'config');
}

/** Parses one ProxyJump value; `none` means no jump. */
export function parseProxyJump(value: string | undefined): JumpSpec[] {
  if (!value || value.trim().toLowerCase() === 'none') return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((hop) => {
      const spec = hop.replace(/^ssh:\/\//, '');
      const at = spec.lastIndexOf('@');
      const user = at >= 0 ? spec.slice(0, at) : undefined;
      const hostPort = at >= 0 ? spec.slice(at + 1) : spec;
      const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPort);
      const plain = /^([^:]+)(?::(\d+))?$/.exec(hostPort);
      const m = bracketed ?? plain;
      if (!m) return { host: hostPort, port: undefined, user };
      return { host: m[1], port: m[2] ? Number(m[2]) : undefined, user };
    });
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Computes the config for `alias` from config text (first value wins, as in ssh_config(5)). */
export function resolveSshConfigText(text: string, alias: string): SshConfigHost {
  const computed = SSHConfig.parse(text).compute(alias, { ignoreCase: true, matchExec: false });
  const hostName = first(computed.hostname)?.replace(/%(%|h)/g, (_, t: string) => (t === 'h' ? alias : '%'));
  const portText = first(computed.port);
  const port = portText !== undefined && /^\d+$/.test(portText) ? Number(portText) : undefined;
  const files = computed.identityfile;
  return {
    hostName,
    port,
    user: first(computed.user),
    identityFiles: Array.isArray(files) ? files : files ? [files] : [],
    proxyJump: parseProxyJump(first(computed.proxyjump)),
  };
}

/**
 * Reads the ssh config file and resolves `alias`. A missing file is an empty config; an unreadable
 * or unparsable one is an error naming the file (silently ignoring it would connect somewhere else).
 */
export async function resolveSshConfig(alias: string, configFile: string): Promise<Result<SshConfigHost, 'bad_config'>> {
  let text: string;
  try {
    text = await fs.readFile(configFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return ok(EMPTY_SSH_CONFIG);
    return fail('bad_config', `cannot read ssh config ${configFile}: ${describeError(err)}`);
  }
  try {
    return ok(resolveSshConfigText(text, alias));
  } catch (err) {
    return fail('bad_config', `cannot parse ssh config ${configFile}: ${describeError(err)}`);
  }
}

export interface TokenContext {
  /** Remote host name after HostName (`%h`). */
  host: string;
  /** Remote user (`%r`). */
  remoteUser: string;
  port: number;
  /** Local HOME (`~` and `%d`). */
  home: string;
  /** Local user name (`%u`). */
  localUser: string;
}

/** Expands `~` and the common ssh_config tokens (%h %r %u %p %d %%) in an IdentityFile value. */
export function expandIdentityPath(value: string, ctx: TokenContext): string {
  const withTokens = value.replace(/%([%hrupd])/g, (_, t: string) => {
    switch (t) {
      case 'h':
        return ctx.host;
      case 'r':
        return ctx.remoteUser;
      case 'u':
        return ctx.localUser;
      case 'p':
        return String(ctx.port);
      case 'd':
        return ctx.home;
      default:
        return '%';
    }
  });
  if (withTokens === '~') return ctx.home;
  if (withTokens.startsWith('~/')) return path.join(ctx.home, withTokens.slice(2));
  return withTokens;
}
