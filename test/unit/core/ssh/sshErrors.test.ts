import { strict as assert } from 'node:assert';
import { authFailure, classifySshError, timeoutFailure, type HopLabel } from '../../../../src/core/ssh/sshErrors';

const hop: HopLabel = { node: 'gpu-5', user: 'ubuntu', host: '127.0.0.5', port: 2222, keyFiles: ['/keys/id'], skippedKeys: [], agent: false };
const sysErr = (code: string) => Object.assign(new Error(`connect ${code}`), { code, level: 'client-socket' });

describe('core/ssh/sshErrors', () => {
  it('maps socket errors to stable codes with the node and address in the message', () => {
    const cases: Array<[string, string]> = [
      ['ECONNREFUSED', 'refused'], ['ENOTFOUND', 'dns'], ['EHOSTUNREACH', 'unreachable'], ['ETIMEDOUT', 'connect_timeout'], ['ECONNRESET', 'disconnected'],
    ];
    for (const [sys, code] of cases) {
      const f = classifySshError(sysErr(sys), hop, { tcpConnected: false });
      assert.equal(f.code, code, sys);
      assert.match(f.message, /^node gpu-5: ssh ubuntu@127\.0\.0\.5:2222: /);
    }
  });

  it('tells a silent port (TCP accepted, no SSH) from a node that never accepted', () => {
    assert.equal(timeoutFailure(hop, 3000, true).code, 'handshake_timeout');
    assert.equal(timeoutFailure(hop, 3000, false).code, 'connect_timeout');
    assert.match(timeoutFailure(hop, 3000, true).message, /3000 ms/);
  });

  it('names user, key and the ssh-copy-id command on an authentication failure', () => {
    const f = authFailure({ ...hop, skippedKeys: ['key /k2 is encrypted and no passphrase was given'] });
    assert.equal(f.code, 'auth_failed');
    assert.ok(f.message.includes("as 'ubuntu'"), f.message);
    assert.ok(f.message.includes('ssh-copy-id -i /keys/id ubuntu@127.0.0.5 -p 2222'), f.message);
    assert.ok(f.message.includes('/k2 is encrypted'), f.message);
    const auth = classifySshError(Object.assign(new Error('All configured authentication methods failed'), { level: 'client-authentication' }), hop, { tcpConnected: true });
    assert.equal(auth.code, 'auth_failed');
  });

  it('says which jump host failed', () => {
    const f = classifySshError(sysErr('ECONNREFUSED'), { ...hop, jumpFor: '127.0.0.6' }, { tcpConnected: false });
    assert.match(f.message, /^node gpu-5: jump host ssh ubuntu@127\.0\.0\.5:2222/);
  });
});
