import type { HostKeyDecision, TransportOptions, UnknownHostKeyInfo } from '../transport';

/**
 * Options for the several SSH connections of one ranged push: each prompt (an unknown host key
 * answered `once`, a key's passphrase) is asked at most once per push, not once per connection
 * (the CLI's passphrase prompt keeps nothing between calls). The first connection logs in alone,
 * so its answers are known before the others ask.
 */
export function promptsOncePerPush(opts: TransportOptions): TransportOptions {
  const { onUnknownHostKey: askKey, onPassphrase: askPhrase } = opts;
  const decisions = new Map<string, Promise<HostKeyDecision>>();
  const phrases = new Map<string, Promise<string | undefined>>();
  const onUnknownHostKey = askKey && ((info: UnknownHostKeyInfo) => once(decisions, `${info.host}:${info.port} ${info.fingerprint}`, () => askKey(info)));
  const onPassphrase = askPhrase && ((keyPath: string) => once(phrases, keyPath, () => askPhrase(keyPath)));
  return { ...opts, onUnknownHostKey, onPassphrase };
}

function once<T>(seen: Map<string, Promise<T>>, key: string, ask: () => Promise<T>): Promise<T> {
  let asked = seen.get(key);
  if (!asked) seen.set(key, (asked = ask()));
  return asked;
}
