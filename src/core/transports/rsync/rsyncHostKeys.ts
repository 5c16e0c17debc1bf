import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fetchHostKey } from '../../ssh/fetchHostKey';
import { decideHostKey, type HostKeyRefusal } from '../../ssh/hostKeyPolicy';
import { knownHostName } from '../../ssh/knownHosts';
import type { SshErrorCode } from '../../ssh/sshErrors';
import { describeError, fail, ok, type Result } from '../../result';
import type { TransportOptions } from '../transport';
import type { SshTarget } from './rsyncArgs';

/**
 * The unknown-host-key path for the system ssh. ssh itself runs with StrictHostKeyChecking=yes (it
 * never prompts), so when it reports an unknown key we read the key the node presents (handshake
 * only, nothing sent), let the callback decide, and run again with that key in a temporary
 * known_hosts file given as a second UserKnownHostsFile. 'always' also appended it to the user's
 * file (decideHostKey does that); 'once' leaves the user's file untouched.
 */

export interface AcceptedKey {
  /** Extra known_hosts file for this run; remove it with `dispose()`. */
  file: string;
  dispose(): Promise<void>;
}

/** Why the node's key was not accepted: fetching it failed, it was refused, or the temporary file failed. */
export type HostKeyAcceptFailure = SshErrorCode | HostKeyRefusal | 'local_write_failed';

export async function acceptUnknownHostKey(
  nodeName: string,
  target: SshTarget,
  opts: Pick<TransportOptions, 'knownHostsFile' | 'onUnknownHostKey' | 'env' | 'connectTimeoutMs'>,
  signal: AbortSignal,
): Promise<Result<AcceptedKey, HostKeyAcceptFailure>> {
  const fetched = await fetchHostKey(target.host, target.port, opts.connectTimeoutMs, signal);
  if (!fetched.ok) return fetched;
  const { keyType, keyBase64 } = fetched.value;
  const decided = await decideHostKey(nodeName, target.host, target.port, Buffer.from(keyBase64, 'base64'), opts);
  if (!decided.ok) return decided;
  try {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ringrift-known-'));
    const file = path.join(dir, 'known_hosts');
    await fs.writeFile(file, `${knownHostName(target.host, target.port)} ${keyType} ${keyBase64}\n`, { mode: 0o600 });
    return ok({ file, dispose: () => fs.rm(dir, { recursive: true, force: true }) });
  } catch (err) {
    return fail('local_write_failed', `cannot write a temporary known_hosts file: ${describeError(err)}`);
  }
}
