import type { NodeSpec } from '../hosts/nodeSpec';
import { fail, ok, type Result } from '../result';
import type { TransportOptions } from '../transports/transport';
import { fetchHostKey } from './fetchHostKey';
import { checkHostKey, type HostKeyCheck } from './knownHosts';
import type { SshErrorCode } from './sshErrors';
import { resolveSshTarget } from './target';

/**
 * What known_hosts says about the key a node presents now: the data a "remove the changed host key"
 * action shows before it asks (old and new fingerprints, which line of which file). Reads the key
 * like ssh-keyscan: no user name or key is sent.
 */
export interface HostKeyInspection {
  node: string;
  host: string;
  port: number;
  knownHostsFile: string;
  presented: { keyType: string; fingerprint: string };
  check: HostKeyCheck;
}

export async function inspectHostKey(
  node: NodeSpec,
  opts: TransportOptions,
  signal: AbortSignal,
): Promise<Result<HostKeyInspection, SshErrorCode>> {
  if (!node.sshHost) return fail('bad_config', `node ${node.name}: no ssh_host in the hosts file, so it has no SSH host key`);
  const target = await resolveSshTarget(node, node.sshHost, opts.env, opts.sshConfigFile);
  if (!target.ok) return fail('bad_config', `node ${node.name}: ${target.message}`);
  const { host, port } = target.value;
  const key = await fetchHostKey(host, port, opts.connectTimeoutMs, signal);
  if (!key.ok) return fail(key.code, `node ${node.name}: ${key.message}`);
  const check = await checkHostKey(opts.knownHostsFile, host, port, key.value.keyType, key.value.keyBase64);
  return ok({
    node: node.name,
    host,
    port,
    knownHostsFile: opts.knownHostsFile,
    presented: { keyType: key.value.keyType, fingerprint: key.value.fingerprint },
    check,
  });
}
