import * as path from 'node:path';
import { homeDir } from '../homeDir';

/** Where OpenSSH keeps a user's files, and the product's own default known_hosts, written once. */

/** OpenSSH's default identities, offered when neither the hosts file nor ssh_config names a key. */
export const DEFAULT_KEY_NAMES = ['id_ed25519', 'id_rsa', 'id_ecdsa'] as const;

/** A file of `~/.ssh` under the HOME of `env`. */
export function userSshFile(env: NodeJS.ProcessEnv, name: string): string {
  return path.join(homeDir(env), '.ssh', name);
}

/** OpenSSH's own known_hosts: what ssh and ssh-keygen read when no file is named. */
export function opensshKnownHostsFile(env: NodeJS.ProcessEnv): string {
  return userSshFile(env, 'known_hosts');
}

/** The product's known_hosts when none is configured: $RINGRIFT_SYNC_KNOWN_HOSTS (empty counts as unset), else OpenSSH's. */
export function defaultKnownHostsFile(env: NodeJS.ProcessEnv): string {
  return env.RINGRIFT_SYNC_KNOWN_HOSTS || opensshKnownHostsFile(env);
}
