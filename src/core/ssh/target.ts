import * as os from 'node:os';
import { DEFAULT_SSH_PORT } from '../hosts/defaults';
import type { NodeSpec } from '../hosts/nodeSpec';
import { homeDir } from '../homeDir';
import { ok, type Result } from '../result';
import { defaultSshConfigPath, expandIdentityPath, resolveSshConfig, type SshConfigHost } from './sshConfig';
import { DEFAULT_KEY_NAMES, userSshFile } from './userFiles';

/** One SSH hop: where to connect, as whom, and which key files to offer. */
export interface SshEndpoint {
  /** The name as written (hosts file `ssh_host` or a ProxyJump entry), for messages and ssh_config. */
  alias: string;
  host: string;
  port: number;
  user: string;
  /** Private key files to offer, in order, `~` and tokens expanded. */
  keyFiles: string[];
}

/** The node's endpoint and the ProxyJump hops in front of it (first hop first). */
export interface SshTarget extends SshEndpoint {
  jumps: SshEndpoint[];
}

function localUser(env: NodeJS.ProcessEnv): string {
  return env.USER || env.LOGNAME || os.userInfo().username;
}

/**
 * Precedence when the hosts file and ssh_config both speak (one rule for every field):
 *   a field written in distributed_hosts.yaml (ssh_user or user@ in ssh_host, ssh_port, ssh_key)
 *   wins; else the ssh_config value; else the product default (user `ubuntu`, port 22, default keys).
 * HostName always applies: ssh_host is the name ssh would look up, exactly as `ssh <ssh_host>`.
 */
export function mergeNodeWithConfig(node: NodeSpec, alias: string, cfg: SshConfigHost, env: NodeJS.ProcessEnv): SshEndpoint {
  const yamlUser = node.fields.ssh_user !== undefined || String(node.fields.ssh_host ?? '').includes('@');
  const yamlPort = node.fields.ssh_port !== undefined;
  const host = cfg.hostName ?? alias;
  const user = yamlUser ? node.user : (cfg.user ?? node.user);
  const port = yamlPort ? node.sshPort : (cfg.port ?? node.sshPort);
  const ctx = { host, remoteUser: user, port, home: homeDir(env), localUser: localUser(env) };
  const files = node.sshKey
    ? [node.sshKey]
    : cfg.identityFiles.length > 0
      ? cfg.identityFiles
      : DEFAULT_KEY_NAMES.map((n) => userSshFile(env, n));
  return { alias, host, port, user, keyFiles: files.map((f) => expandIdentityPath(f, ctx)) };
}

/**
 * A ProxyJump hop: its own ssh_config entry resolves it (as OpenSSH does); its user defaults to the
 * local user (OpenSSH's rule). Its keys: its IdentityFile, else the node's `ssh_key` (cluster jump
 * hosts usually take the cluster key), else the default keys.
 */
function jumpEndpoint(spec: { host: string; port?: number; user?: string }, cfg: SshConfigHost, node: NodeSpec, env: NodeJS.ProcessEnv): SshEndpoint {
  const host = cfg.hostName ?? spec.host;
  const user = spec.user ?? cfg.user ?? localUser(env);
  const port = spec.port ?? cfg.port ?? DEFAULT_SSH_PORT;
  const ctx = { host, remoteUser: user, port, home: homeDir(env), localUser: localUser(env) };
  const files =
    cfg.identityFiles.length > 0
      ? cfg.identityFiles
      : node.sshKey
        ? [node.sshKey]
        : DEFAULT_KEY_NAMES.map((n) => userSshFile(env, n));
  return { alias: spec.host, host, port, user, keyFiles: files.map((f) => expandIdentityPath(f, ctx)) };
}

/** Resolves the node (and its ProxyJump chain) through the ssh config file. */
export async function resolveSshTarget(
  node: NodeSpec,
  alias: string,
  env: NodeJS.ProcessEnv,
  configFile: string = defaultSshConfigPath(env),
): Promise<Result<SshTarget, 'bad_config'>> {
  const cfg = await resolveSshConfig(alias, configFile);
  if (!cfg.ok) return cfg;
  const jumps: SshEndpoint[] = [];
  for (const hop of cfg.value.proxyJump) {
    const hopCfg = await resolveSshConfig(hop.host, configFile);
    if (!hopCfg.ok) return hopCfg;
    jumps.push(jumpEndpoint({ host: hop.host, port: hop.port, user: hop.user }, hopCfg.value, node, env));
  }
  return ok({ ...mergeNodeWithConfig(node, alias, cfg.value, env), jumps });
}
