import type { TransportOptions } from '../transports/transport';
import { fail, ok, type Result } from '../result';
import { appendKnownHost, checkHostKey, fingerprintOf, knownHostName } from './knownHosts';
import { opensshKnownHostsFile } from './userFiles';

export type HostKeyRefusal = 'host_key_changed' | 'host_key_unknown' | 'host_key_revoked' | 'bad_config';

/** Key type named inside an SSH public key blob (its first length-prefixed string). */
export function keyTypeOfBlob(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** ssh2 host key algorithm names that present a key of this known_hosts type. */
export function algorithmsForKeyType(keyType: string): string[] {
  return keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType];
}

/** The `ssh-keygen -R` line for a host, naming the file when it is not the default one. */
function keygenRemoveHint(host: string, port: number, file: string, defaultFile: string): string {
  const fileArg = file === defaultFile ? '' : ` -f '${file}'`;
  return `ssh-keygen${fileArg} -R '${knownHostName(host, port)}'`;
}

/**
 * Decides on the key a host presented, before any authentication is sent (DESIGN.md "SSH"):
 * a known key goes on; a changed or revoked one refuses; an unknown one asks the callback, and
 * without one (CLI without --accept-new) refuses, saying how to accept it.
 */
export async function decideHostKey(
  nodeName: string,
  host: string,
  port: number,
  blob: Buffer,
  opts: Pick<TransportOptions, 'knownHostsFile' | 'onUnknownHostKey' | 'env'>,
): Promise<Result<void, HostKeyRefusal>> {
  const keyType = keyTypeOfBlob(blob);
  const keyBase64 = blob.toString('base64');
  const fingerprint = fingerprintOf(blob);
  const file = opts.knownHostsFile;
  const name = knownHostName(host, port);
  const check = await checkHostKey(file, host, port, keyType, keyBase64);
  switch (check.status) {
    case 'match':
      return ok(undefined);
    case 'unreadable':
      return fail('bad_config', `node ${nodeName}: ${check.message}; nothing was sent to ${name}`);
    case 'revoked':
      return fail(
        'host_key_revoked',
        `node ${nodeName}: host key of ${name} (${fingerprint}) is marked @revoked on line ${check.line} of ${check.file}: refused to connect; the node must get a new host key`,
      );
    case 'changed': {
      const hint = keygenRemoveHint(host, port, check.file, opensshKnownHostsFile(opts.env));
      return fail(
        'host_key_changed',
        `node ${nodeName}: host key for ${name} changed (now ${fingerprint}): ` +
          `if the node was rebuilt, remove line ${check.line} of ${check.file} (${hint}), then test again ` +
          `(the line holds ${check.knownFingerprint}); nothing was sent`,
      );
    }
    case 'unknown': {
      const decision = opts.onUnknownHostKey
        ? await opts.onUnknownHostKey({ node: nodeName, host, port, keyType, fingerprint, knownHostsFile: file })
        : 'reject';
      if (decision === 'once') return ok(undefined);
      if (decision === 'always') {
        const added = await appendKnownHost(file, host, port, keyType, keyBase64);
        return added.ok ? ok(undefined) : fail('bad_config', `node ${nodeName}: ${added.message}`);
      }
      return fail(
        'host_key_unknown',
        `node ${nodeName}: host key of ${name} (${keyType} ${fingerprint}) is not in ${file}: ` +
          `check the fingerprint, then run again with --accept-new (or add it: ssh-keyscan -p ${port} ${host} >> ${file})`,
      );
    }
  }
}
