import { strict as assert } from 'node:assert';
import { defaultKnownHostsFile, opensshKnownHostsFile, userSshFile } from '../../../../src/core/ssh/userFiles';

describe('core/ssh/userFiles', () => {
  const env = { HOME: '/home/op' };

  it('puts the user files under ~/.ssh of the given env', () => {
    assert.equal(userSshFile(env, 'config'), '/home/op/.ssh/config');
    assert.equal(opensshKnownHostsFile(env), '/home/op/.ssh/known_hosts');
  });

  it('default known_hosts: $RINGRIFT_SYNC_KNOWN_HOSTS, an empty one counting as unset, else OpenSSH\'s', () => {
    assert.equal(defaultKnownHostsFile({ ...env, RINGRIFT_SYNC_KNOWN_HOSTS: '/etc/kh' }), '/etc/kh');
    assert.equal(defaultKnownHostsFile({ ...env, RINGRIFT_SYNC_KNOWN_HOSTS: '' }), '/home/op/.ssh/known_hosts');
    assert.equal(defaultKnownHostsFile(env), '/home/op/.ssh/known_hosts');
  });
});
