import * as path from 'node:path';
import { defaultStateDir } from '../../core/router/stateStore';
import { defaultKnownHostsFile } from '../../core/ssh/userFiles';

/**
 * Flags a fix's `ringrift-sync` command needs to act on the cluster this window shows: the hosts
 * file always (the CLI looks in its own working directory), the state dir and known_hosts only
 * where the settings differ from what the CLI finds by itself. Keeps the commands short.
 */
export function cliArgsFor(o: { hostsFile: string; stateDir: string; knownHostsFile: string; env: NodeJS.ProcessEnv }): string[] {
  const args = ['--hosts', o.hostsFile];
  if (path.resolve(o.stateDir) !== path.resolve(defaultStateDir(o.env))) args.push('--state-dir', o.stateDir);
  const cliKnownHosts = defaultKnownHostsFile(o.env);
  if (path.resolve(o.knownHostsFile) !== path.resolve(cliKnownHosts)) args.push('--known-hosts', o.knownHostsFile);
  return args;
}
