import { strict as assert } from 'node:assert';
import { parseHostsText } from '../../../src/core/hosts';
import { openSession } from '../../../src/core/session';
import { DEFAULT_TRANSPORT_OPTIONS } from '../../../src/core/transports/transport';
import { tempDir } from '../helpers/scriptedTransports';

const hosts = parseHostsText('auto_sync:\n  max_concurrent_syncs: 7\nhosts:\n  a:\n    ssh_host: 127.0.0.1\n', '/x/distributed_hosts.yaml');

describe('openSession', () => {
  it('takes concurrency from the hosts file, settings from the surface, and the runbook env vars on top', () => {
    const warnings: string[] = [];
    const s = openSession({
      hosts,
      env: { RINGRIFT_SYNC_FAILOVER_THRESHOLD: '3', RINGRIFT_SYNC_BACKUP_TRANSPORT: 'ssh', RINGRIFT_SYNC_BASE64_CHUNK_BYTES: '1048576' },
      stateDir: tempDir(),
      knownHostsFile: '/kh',
      router: { failoverThreshold: 2 },
      transport: { base64ChunkBytes: 999 },
      warn: (w) => warnings.push(w),
    });
    assert.equal(s.settings.concurrency, 7);
    assert.equal(s.settings.failoverThreshold, 3);
    assert.equal(s.settings.backupTransport, 'rsync');
    assert.equal(s.transportOptions.base64ChunkBytes, 1048576);
    assert.equal(s.transportOptions.knownHostsFile, '/kh');
    assert.deepEqual(warnings, []);
    assert.deepEqual(s.nodes.map((n) => n.name), ['a']);
  });

  it('warns about a bad env value and keeps the default', () => {
    const warnings: string[] = [];
    const s = openSession({ hosts, env: { RINGRIFT_SYNC_BASE64_CHUNK_BYTES: 'lots', RINGRIFT_SYNC_FAILOVER_THRESHOLD: '0' }, stateDir: tempDir(), knownHostsFile: '/kh', warn: (w) => warnings.push(w) });
    assert.equal(s.transportOptions.base64ChunkBytes, DEFAULT_TRANSPORT_OPTIONS.base64ChunkBytes);
    assert.equal(s.settings.failoverThreshold, 1);
    assert.equal(warnings.length, 2);
    assert.match(warnings.join('\n'), /RINGRIFT_SYNC_BASE64_CHUNK_BYTES='lots'/);
    assert.match(warnings.join('\n'), /RINGRIFT_SYNC_FAILOVER_THRESHOLD='0'/);
  });
});
