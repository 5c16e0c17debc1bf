import { strict as assert } from 'node:assert';
import { promptsOncePerPush } from '../../../../../src/core/transports/sshRanges/pushPrompts';
import { DEFAULT_TRANSPORT_OPTIONS, type TransportOptions, type UnknownHostKeyInfo } from '../../../../../src/core/transports/transport';

const base: TransportOptions = { ...DEFAULT_TRANSPORT_OPTIONS, knownHostsFile: '/dev/null', env: {} };
const key = (fingerprint: string): UnknownHostKeyInfo => ({ node: 'n', host: 'h', port: 22, keyType: 'ssh-ed25519', fingerprint, knownHostsFile: '/dev/null' });

describe('core/transports/sshRanges/pushPrompts', () => {
  it('asks each host key and passphrase once per push, however many connections ask at once', async () => {
    const asked: string[] = [];
    const opts = promptsOncePerPush({
      ...base,
      onUnknownHostKey: async (info) => (asked.push(`key ${info.fingerprint}`), 'once'),
      onPassphrase: async (file) => (asked.push(`phrase ${file}`), 'secret'),
    });
    const answers = await Promise.all([
      opts.onUnknownHostKey!(key('SHA256:a')), opts.onUnknownHostKey!(key('SHA256:a')), opts.onUnknownHostKey!(key('SHA256:b')),
      opts.onPassphrase!('/k'), opts.onPassphrase!('/k'),
    ]);
    assert.deepEqual(answers, ['once', 'once', 'once', 'secret', 'secret']);
    assert.deepEqual(asked, ['key SHA256:a', 'key SHA256:b', 'phrase /k']);
  });

  it('adds no prompt where the caller has none', () => {
    const opts = promptsOncePerPush(base);
    assert.equal(opts.onUnknownHostKey, undefined);
    assert.equal(opts.onPassphrase, undefined);
  });
});
