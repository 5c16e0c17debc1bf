import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NodeSpec } from '../../../../src/core/hosts/nodeSpec';
import { mergeNodeWithConfig, resolveSshTarget } from '../../../../src/core/ssh/target';
import { EMPTY_SSH_CONFIG, type SshConfigHost } from '../../../../src/core/ssh/sshConfig';
import { tempDir } from './keyFixtures';

/** A node as the hosts loader makes it; `fields` says which values were written in the YAML. */
function node(fields: Record<string, unknown>, over: Partial<NodeSpec> = {}): NodeSpec {
  return {
    name: 'gpu-3', address: 'gpu-3', sshHost: 'gpu-3', tailscaleIp: undefined, user: 'ubuntu', sshPort: 22, sshKey: undefined,
    p2pEnabled: true, p2pPort: 8770, httpPort: undefined, status: 'ready', ready: true, natBlocked: false, remoteBase: undefined,
    bandwidthLimitMbps: undefined, transports: ['rsync', 'base64'], chainSource: 'default', fields,
    range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, ...over,
  };
}

const env = { HOME: '/home/op', USER: 'op' };
const cfg: SshConfigHost = { hostName: '10.1.2.3', port: 2222, user: 'cfguser', identityFiles: ['~/.ssh/cfg_key'], proxyJump: [] };

describe('core/ssh/target', () => {
  it('uses ssh_config values for fields the hosts file does not write (HostName always applies)', () => {
    const e = mergeNodeWithConfig(node({ ssh_host: 'gpu-3' }), 'gpu-3', cfg, env);
    assert.deepEqual(e, { alias: 'gpu-3', host: '10.1.2.3', port: 2222, user: 'cfguser', keyFiles: ['/home/op/.ssh/cfg_key'] });
  });

  it('lets ssh_user, ssh_port and ssh_key from the hosts file win over ssh_config', () => {
    const n = node({ ssh_host: 'gpu-3', ssh_user: 'root', ssh_port: 22, ssh_key: '/keys/id' }, { user: 'root', sshPort: 22, sshKey: '/keys/id' });
    const e = mergeNodeWithConfig(n, 'gpu-3', cfg, env);
    assert.deepEqual([e.user, e.port, e.keyFiles], ['root', 22, ['/keys/id']]);
  });

  it('counts user@ in ssh_host as a written user', () => {
    const e = mergeNodeWithConfig(node({ ssh_host: 'admin@gpu-3' }, { user: 'admin' }), 'gpu-3', cfg, env);
    assert.equal(e.user, 'admin');
  });

  it('falls back to the product defaults and the default keys when neither says anything', () => {
    const e = mergeNodeWithConfig(node({ ssh_host: 'gpu-3' }), 'gpu-3', EMPTY_SSH_CONFIG, env);
    assert.deepEqual(e, {
      alias: 'gpu-3', host: 'gpu-3', port: 22, user: 'ubuntu',
      keyFiles: ['/home/op/.ssh/id_ed25519', '/home/op/.ssh/id_rsa', '/home/op/.ssh/id_ecdsa'],
    });
  });

  it('resolves each ProxyJump hop through the same config file', async () => {
    const dir = tempDir('ringrift-target-');
    try {
      const file = path.join(dir, 'config');
      fs.writeFileSync(file, 'Host gpu-*\n  HostName 127.0.0.20\n  ProxyJump jumper@bastion,hop2:2300\nHost bastion\n  HostName 127.0.0.9\n  Port 2201\n  IdentityFile /keys/bastion\n');
      const r = await resolveSshTarget(node({ ssh_host: 'gpu-3', ssh_key: '/keys/id' }, { sshKey: '/keys/id' }), 'gpu-3', env, file);
      assert.ok(r.ok);
      assert.equal(r.value.host, '127.0.0.20');
      assert.deepEqual(r.value.jumps, [
        { alias: 'bastion', host: '127.0.0.9', port: 2201, user: 'jumper', keyFiles: ['/keys/bastion'] },
        { alias: 'hop2', host: 'hop2', port: 2300, user: 'op', keyFiles: ['/keys/id'] },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
