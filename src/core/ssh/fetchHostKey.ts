import { fail, ok, type Result } from '../result';
import { keyTypeOfBlob } from './hostKeyPolicy';
import { fingerprintOf } from './knownHosts';
import { classifySshError, timeoutFailure, type HopLabel, type SshErrorCode } from './sshErrors';
import { ssh2 } from './ssh2Module';

export interface FetchedHostKey {
  keyType: string;
  keyBase64: string;
  /** `SHA256:...` as `ssh-keygen -lf` prints it. */
  fingerprint: string;
}

/**
 * Reads the host key a server presents, like `ssh-keyscan`: handshake only, refused in the
 * hostVerifier, so no user name and no key is ever sent. For the rsync transport's unknown-key prompt.
 */
export function fetchHostKey(host: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<Result<FetchedHostKey, SshErrorCode>> {
  const label: HopLabel = { node: host, user: '', host, port, keyFiles: [], skippedKeys: [], agent: false };
  if (signal.aborted) return Promise.resolve(fail('cancelled', `ssh ${host}:${port}: host key fetch cancelled`));
  return new Promise((resolve) => {
    const client = new (ssh2().Client)();
    let settled = false;
    let tcpConnected = false;
    let fetched: FetchedHostKey | undefined;
    const settle = (r: Result<FetchedHostKey, SshErrorCode>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      setImmediate(() => client.destroy()); // not from inside ssh2's own hostVerifier call
      resolve(r);
    };
    const onAbort = () => settle(fail('cancelled', `ssh ${host}:${port}: host key fetch cancelled`));
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => settle(timeoutFailure(label, timeoutMs, tcpConnected)), timeoutMs);
    client.on('connect', () => (tcpConnected = true));
    client.on('error', (err: Error & { level?: string; code?: string }) => settle(fetched ? ok(fetched) : classifySshError(err, label, { tcpConnected })));
    client.on('close', () => settle(fetched ? ok(fetched) : fail('disconnected', `ssh ${host}:${port}: closed before presenting a host key`)));
    try {
      client.connect({
        host,
        port,
        username: 'host-key-fetch',
        readyTimeout: 0,
        hostVerifier: (blob: Buffer) => {
          fetched = { keyType: keyTypeOfBlob(blob), keyBase64: blob.toString('base64'), fingerprint: fingerprintOf(blob) };
          settle(ok(fetched));
          return false;
        },
      });
    } catch (err) {
      settle(fail('ssh_error', `ssh ${host}:${port}: cannot start SSH: ${(err as Error).message}`));
    }
  });
}
