import { strict as assert } from 'node:assert';
import { cliArgsFor } from '../../../../src/extension/doctor/cliArgs';

const env = { HOME: '/home/op' };

describe('cliArgsFor: flags of the fix commands', () => {
  it('names the hosts file always, and nothing else when the settings are the defaults', () => {
    assert.deepEqual(cliArgsFor({ hostsFile: '/w/distributed_hosts.yaml', stateDir: '/home/op/.local/state/ringrift-sync', knownHostsFile: '/home/op/.ssh/known_hosts', env }), [
      '--hosts', '/w/distributed_hosts.yaml',
    ]);
  });

  it('adds the state dir and known_hosts the settings chose', () => {
    assert.deepEqual(cliArgsFor({ hostsFile: '/h.yaml', stateDir: '/s', knownHostsFile: '/kh', env }), ['--hosts', '/h.yaml', '--state-dir', '/s', '--known-hosts', '/kh']);
  });

  it('leaves out what the CLI finds in the same environment ($XDG_STATE_HOME, $RINGRIFT_SYNC_KNOWN_HOSTS)', () => {
    const e = { ...env, XDG_STATE_HOME: '/x', RINGRIFT_SYNC_KNOWN_HOSTS: '/kh' };
    assert.deepEqual(cliArgsFor({ hostsFile: '/h.yaml', stateDir: '/x/ringrift-sync', knownHostsFile: '/kh', env: e }), ['--hosts', '/h.yaml']);
  });
});
