import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expandIdentityPath, parseProxyJump, resolveSshConfig, resolveSshConfigText } from '../../../../src/core/ssh/sshConfig';
import { tempDir } from './keyFixtures';

const CONFIG = `
# cluster
Host gpu-*
  HostName %h.cluster.example
  User ringrift
  Port 2222
  IdentityFile ~/.ssh/cluster_%r
  ProxyJump bastion

Host bastion
  HostName 127.0.0.9
  Port 2201
  User jumper

Host direct
  ProxyJump none

Host *
  IdentityFile ~/.ssh/fallback
  Port 22
`;

describe('core/ssh/sshConfig', () => {
  it('resolves HostName (with %h), User, Port, IdentityFile list and ProxyJump; first value wins', () => {
    const r = resolveSshConfigText(CONFIG, 'gpu-3');
    assert.equal(r.hostName, 'gpu-3.cluster.example');
    assert.equal(r.user, 'ringrift');
    assert.equal(r.port, 2222);
    assert.deepEqual(r.identityFiles, ['~/.ssh/cluster_%r', '~/.ssh/fallback']);
    assert.deepEqual(r.proxyJump, [{ host: 'bastion', port: undefined, user: undefined }]);
  });

  it('gives nothing but the catch-all to a host no section names, and honours ProxyJump none', () => {
    const r = resolveSshConfigText(CONFIG, 'other');
    assert.equal(r.hostName, undefined);
    assert.equal(r.user, undefined);
    assert.equal(r.port, 22);
    assert.deepEqual(resolveSshConfigText(CONFIG, 'direct').proxyJump, []);
  });

  it('parses ProxyJump lists: user@host:port, ssh:// URIs, bracketed IPv6', () => {
    assert.deepEqual(parseProxyJump('alice@jump1:2200,ssh://bob@jump2:2201,[::1]:22,plain'), [
      { host: 'jump1', port: 2200, user: 'alice' },
      { host: 'jump2', port: 2201, user: 'bob' },
      { host: '::1', port: 22, user: undefined },
      { host: 'plain', port: undefined, user: undefined },
    ]);
    assert.deepEqual(parseProxyJump('none'), []);
    assert.deepEqual(parseProxyJump(undefined), []);
  });

  it('expands ~ and the %h %r %u %p %d %% tokens in IdentityFile', () => {
    const ctx = { host: 'gpu-3', remoteUser: 'ubuntu', port: 2222, home: '/home/op', localUser: 'op' };
    assert.equal(expandIdentityPath('~/.ssh/k_%h_%r_%u_%p', ctx), '/home/op/.ssh/k_gpu-3_ubuntu_op_2222');
    assert.equal(expandIdentityPath('%d/keys/100%%', ctx), '/home/op/keys/100%');
    assert.equal(expandIdentityPath('/abs/key', ctx), '/abs/key');
  });

  it('reads a config file; a missing file is an empty config, an unreadable one an error naming it', async () => {
    const dir = tempDir('ringrift-sshcfg-');
    try {
      const file = path.join(dir, 'config');
      fs.writeFileSync(file, CONFIG);
      const r = await resolveSshConfig('bastion', file);
      assert.ok(r.ok);
      assert.equal(r.value.hostName, '127.0.0.9');
      const missing = await resolveSshConfig('bastion', path.join(dir, 'nope'));
      assert.ok(missing.ok);
      assert.equal(missing.value.hostName, undefined);
      const bad = await resolveSshConfig('bastion', dir); // a directory
      assert.ok(!bad.ok);
      assert.equal(bad.code, 'bad_config');
      assert.match(bad.message, new RegExp(dir));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
