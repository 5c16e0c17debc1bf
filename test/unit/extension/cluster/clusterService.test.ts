import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseHostsText } from '../../../../src/core/hosts';
import { reenableNode } from '../../../../src/core/router';
import { ClusterService } from '../../../../src/extension/cluster/clusterService';
import type { HostsState } from '../../../../src/extension/hosts/hostsState';
import { readSettings } from '../../../../src/extension/settings/extensionSettings';

describe('ClusterService', () => {
  let dir: string;
  let hosts: HostsState | undefined;
  let settings: Record<string, unknown>;
  const logged: string[] = [];
  let stored: string | undefined;
  const env = () => ({ HOME: dir, RINGRIFT_SYNC_FAILOVER_THRESHOLD: '4' });
  const service = () =>
    new ClusterService({
      hosts: () => hosts,
      settings: () => readSettings((k) => settings[k], env()),
      env: env(),
      storedToken: () => stored,
      prompts: {},
      log: { info: (m) => logged.push(m), warn: (m) => logged.push(`warn ${m}`) },
    });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-svc-'));
    const file = path.join(dir, 'distributed_hosts.yaml');
    hosts = { kind: 'loaded', file, hosts: parseHostsText('hosts:\n  a:\n    ssh_host: 127.0.0.1\n', file) };
    settings = { stateDir: path.join(dir, 'state'), concurrency: 2 };
    logged.length = 0;
    stored = undefined;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('opens one core session with the settings, env vars on top, and keeps it until invalidated', () => {
    const svc = service();
    const s = svc.session();
    assert.ok(s.ok);
    assert.equal(s.value.stateDir, path.join(dir, 'state'));
    assert.equal(s.value.settings.concurrency, 2);
    assert.equal(s.value.settings.failoverThreshold, 4, 'RINGRIFT_SYNC_FAILOVER_THRESHOLD wins');
    assert.ok(logged.some((l) => l.startsWith('RINGRIFT_SYNC_FAILOVER_THRESHOLD=4 overrides')));
    const first = s.value;
    const second = svc.session();
    assert.ok(second.ok && second.value === first, 'the same session until invalidated');
    svc.invalidate();
    const again = svc.session();
    assert.ok(again.ok && again.value !== first);
  });

  it('gives the session ringriftSync.streams, and warns in the log about a bad value instead of dropping it', () => {
    settings.streams = '6';
    const svc = service();
    const s = svc.session();
    assert.ok(s.ok);
    assert.equal(s.value.transportOptions.streams, 6, 'what createTransports hands every transport');
    assert.ok(!logged.some((l) => l.startsWith('warn ')));
    settings.streams = '40';
    svc.invalidate();
    const bad = svc.session();
    assert.ok(bad.ok);
    assert.equal(bad.value.transportOptions.streams, 'auto');
    assert.ok(logged.includes("warn ringriftSync.streams: streams takes a whole number from 1 to 32, or 'auto'; got '40' (using auto)"), logged.join('\n'));
  });

  it('gives the session the token kept in secret storage', () => {
    stored = 's3cret';
    const s = service().session();
    assert.ok(s.ok);
    assert.equal(s.value.transportOptions.agentToken, 's3cret');
    assert.ok(!logged.some((l) => l.includes('s3cret')), 'the token is never logged');
  });

  it('explains why there is no session without a loaded hosts file', () => {
    hosts = { kind: 'not_found', message: 'No distributed_hosts.yaml in /w' };
    const s = service().session();
    assert.deepEqual(s, { ok: false, code: 'no_hosts', message: 'No distributed_hosts.yaml in /w' });
  });

  it('reads the shared router state without opening a session or writing anything', async () => {
    const svc = service();
    assert.deepEqual(svc.readState(hosts!).nodes, {});
    assert.equal(fs.existsSync(path.join(dir, 'state')), false, 'reading created nothing');
    // Another writer (the CLI) changes the state; the service sees it.
    const s = svc.session();
    assert.ok(s.ok);
    await reenableNode(s.value.recovery, s.value.nodes[0]);
    assert.equal(service().readState(hosts!).nodes.a.enabled, true);
  });
});
