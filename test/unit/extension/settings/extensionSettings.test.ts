import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyEnv, DEFAULT_ROUTER_SETTINGS } from '../../../../src/core/router';
import { DEFAULT_STREAMS, parseStreams } from '../../../../src/core/transports/streamCount';
import { DEFAULT_AGENT_RESTART_COMMAND, readSettings } from '../../../../src/extension/settings/extensionSettings';
import { RESTRICTED_SETTINGS, SETTINGS_PROPERTIES } from '../../../../src/extension/settings/settingsSchema';

const ENV = { HOME: '/home/op' };
const from = (values: Record<string, unknown>) => (key: string) => values[key];

describe('extension settings', () => {
  it('defaults to what the core and the CLI default to', () => {
    const s = readSettings(from({}), ENV);
    assert.equal(s.knownHostsFile, '/home/op/.ssh/known_hosts');
    assert.equal(s.stateDir, undefined);
    assert.equal(s.router.concurrency, undefined, 'the hosts file decides');
    assert.equal(s.router.failoverThreshold, 1);
    assert.deepEqual(s.router.alertThresholds, DEFAULT_ROUTER_SETTINGS.alertThresholds);
    assert.deepEqual(s.transport, { connectTimeoutMs: 5000, probeTimeoutMs: 8000, idleTimeoutMs: 30000, base64ChunkBytes: 1024 * 1024 * 1024, streams: 'auto' });
    assert.equal(s.healthCheckIntervalMs, 300_000);
    assert.equal(s.agentRestartCommand, DEFAULT_AGENT_RESTART_COMMAND);
    assert.deepEqual(s.invalid, []);
  });

  it('turns every setting into the core\'s units', () => {
    const s = readSettings(
      from({
        concurrency: 3, failoverThreshold: 2, backupTransport: 'rsync', connectTimeoutSeconds: 2, probeTimeoutSeconds: 3.5, idleTimeoutSeconds: 60,
        healthCheckIntervalSeconds: 0, 'alerts.transportFailuresPerHour': 9, 'alerts.disabledNodesPercent': 50, 'alerts.escalationsPerHour': 1,
        knownHostsFile: '~/kh', stateDir: '~/state', base64ChunkBytes: 1 << 20, streams: '8', agentRestartCommand: ' pkill -HUP agent ',
      }),
      ENV,
    );
    assert.deepEqual(s.router, { failoverThreshold: 2, backupTransport: 'rsync', concurrency: 3, alertThresholds: { transportFailuresPerHour: 9, disabledNodesPercent: 50, escalationsPerHour: 1 } });
    assert.deepEqual(s.transport, { connectTimeoutMs: 2000, probeTimeoutMs: 3500, idleTimeoutMs: 60000, base64ChunkBytes: 1 << 20, streams: 8 });
    assert.equal(s.knownHostsFile, '/home/op/kh');
    assert.equal(s.stateDir, '/home/op/state');
    assert.equal(s.healthCheckIntervalMs, 0);
    assert.equal(s.agentRestartCommand, 'pkill -HUP agent');
  });

  it('ignores values out of range or of the wrong type instead of failing', () => {
    const s = readSettings(from({ failoverThreshold: 0, concurrency: 'x', backupTransport: 'ftp', probeTimeoutSeconds: -1 }), ENV);
    assert.equal(s.router.failoverThreshold, 1);
    assert.equal(s.router.concurrency, undefined);
    assert.equal(s.router.backupTransport, undefined);
    assert.equal(s.transport.probeTimeoutMs, 8000);
  });

  it('streams: auto by default, a whole number or auto as --streams takes them', () => {
    const streams = (v: unknown) => readSettings(from({ streams: v }), ENV);
    assert.equal(streams(undefined).transport.streams, 'auto');
    assert.equal(streams('auto').transport.streams, 'auto');
    assert.equal(streams(' AUTO ').transport.streams, 'auto');
    assert.equal(streams('1').transport.streams, 1, '1: one stream, no ranges');
    assert.equal(streams('32').transport.streams, 32);
    assert.equal(streams(4).transport.streams, 4, 'a JSON number in settings.json');
    const cleared = streams('  ');
    assert.deepEqual([cleared.transport.streams, cleared.invalid], ['auto', []], 'a cleared text box is the default, not an error');
  });

  it('streams: a bad value falls back to auto and is named for the log, not dropped silently', () => {
    for (const [v, shown] of [[0, '0'], ['40', '40'], ['many', 'many'], [2.5, '2.5'], [true, 'true']] as const) {
      const s = readSettings(from({ streams: v }), ENV);
      assert.equal(s.transport.streams, 'auto', String(v));
      assert.deepEqual(s.invalid, [`ringriftSync.streams: streams takes a whole number from 1 to 32, or 'auto'; got '${shown}' (using auto)`]);
    }
  });

  it("streams: the settings editor's pattern takes the values parseStreams takes, and flags the rest as typed", () => {
    const pattern = new RegExp(SETTINGS_PROPERTIES['ringriftSync.streams'].pattern as string, 'u');
    for (const v of ['auto', 'many', '-1', '2.5', ...Array.from({ length: 41 }, (_, n) => String(n))]) {
      assert.equal(pattern.test(v), parseStreams(v).ok, v);
    }
    assert.equal(SETTINGS_PROPERTIES['ringriftSync.streams'].default, DEFAULT_STREAMS);
  });

  it("lets the runbook's env vars win, and says so for the log", () => {
    const env = { ...ENV, RINGRIFT_SYNC_FAILOVER_THRESHOLD: '3', RINGRIFT_SYNC_BACKUP_TRANSPORT: 'base64' };
    const s = readSettings(from({ failoverThreshold: 2, backupTransport: 'rsync' }), env);
    assert.deepEqual(s.envOverrides, [
      'RINGRIFT_SYNC_FAILOVER_THRESHOLD=3 overrides ringriftSync.failoverThreshold (2)',
      'RINGRIFT_SYNC_BACKUP_TRANSPORT=base64 overrides ringriftSync.backupTransport (rsync)',
    ]);
    // What openSession does with them: env on top.
    const applied = applyEnv({ ...DEFAULT_ROUTER_SETTINGS, ...s.router }, env).settings;
    assert.deepEqual([applied.failoverThreshold, applied.backupTransport], [3, 'base64']);
  });

  it('takes known_hosts from $RINGRIFT_SYNC_KNOWN_HOSTS when the setting is empty; the setting wins (like --known-hosts)', () => {
    assert.equal(readSettings(from({}), { ...ENV, RINGRIFT_SYNC_KNOWN_HOSTS: '/etc/kh' }).knownHostsFile, '/etc/kh');
    assert.equal(readSettings(from({ knownHostsFile: '/x/kh' }), { ...ENV, RINGRIFT_SYNC_KNOWN_HOSTS: '/etc/kh' }).knownHostsFile, '/x/kh');
  });

  it('sync.fanout is off unless set to true', () => {
    assert.equal(readSettings(from({}), ENV).syncFanout, false);
    assert.equal(readSettings(from({ 'sync.fanout': 'yes' }), ENV).syncFanout, false);
    assert.equal(readSettings(from({ 'sync.fanout': true }), ENV).syncFanout, true);
  });

  it('package.json contributes exactly these settings, and keeps the risky ones out of untrusted workspaces', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../package.json'), 'utf8'));
    for (const [key, schema] of Object.entries(SETTINGS_PROPERTIES)) assert.deepEqual(pkg.contributes.configuration.properties[key], schema, key);
    assert.deepEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations, RESTRICTED_SETTINGS);
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    // Every key readSettings reads is contributed.
    const read = new Set<string>();
    readSettings((k) => (read.add(`ringriftSync.${k}`), undefined), ENV);
    assert.deepEqual([...read].sort(), Object.keys(SETTINGS_PROPERTIES).sort());
  });
});
