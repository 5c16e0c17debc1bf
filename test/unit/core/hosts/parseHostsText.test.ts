import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { parseHostsText } from '../../../../src/core/hosts';
import { at, codes, HOME, node, parseFixture, parseText, REAL_2025_12_26, REAL_2026_01_01 } from './fixtures';

const NAMES_2025_12_26 = [
  'mac-studio', 'local-mac', 'vast-29129529', 'vast-29118471', 'vast-29128352', 'vast-28925166', 'vast-29128356',
  'vast-28918742', 'vast-29031159', 'vast-29126088', 'vast-29031161', 'vast-28890015', 'vast-28889766', 'vast-29046315',
  'vast-29118472', 'vast-29129151', 'runpod-h100', 'runpod-a100-1', 'runpod-a100-2', 'runpod-selfplay-a100',
  'runpod-selfplay-a100-2', 'runpod-a100-storage-1', 'runpod-l40s-2', 'runpod-3090ti-1', 'vultr-a100-20gb',
  'vultr-a100-20gb-2', 'nebius-backbone-1', 'nebius-h100-1', 'nebius-h100-2', 'nebius-h100-3', 'aws-proxy',
  'hetzner-cpu1', 'hetzner-cpu2', 'hetzner-cpu3',
];
const NAMES_2026_01_01 = [
  'mac-studio', 'local-mac', 'lambda-gh200-1', 'lambda-gh200-2', 'lambda-gh200-3', 'lambda-gh200-4', 'lambda-gh200-5',
  'lambda-gh200-training', 'lambda-gh200-7', 'lambda-gh200-8', 'lambda-gh200-9', 'lambda-gh200-10', 'lambda-gh200-11',
  'vast-29129529', 'vast-29118471', 'vast-29128352', 'vast-28925166', 'vast-29128356', 'vast-28918742', 'vast-29031159',
  'vast-29126088', 'vast-29031161', 'vast-28890015', 'vast-28889766', 'vast-29046315', 'vast-29118472', 'vast-29129151',
  'runpod-h100', 'runpod-a100-1', 'runpod-a100-2', 'runpod-a100-storage-1', 'runpod-l40s-2', 'vultr-a100-20gb',
  'vultr-a100-20gb-2', 'nebius-backbone-1', 'nebius-h100-1', 'nebius-h100-2', 'nebius-h100-3', 'aws-proxy',
  'hetzner-cpu1', 'hetzner-cpu2', 'hetzner-cpu3',
];

const real = (file: string) => parseHostsText(fs.readFileSync(file, 'utf8'), file, { homedir: HOME });

describe('parseHostsText', () => {
  describe('the real cluster file of 2025-12-26', () => {
    const file = real(REAL_2025_12_26);

    it('loads all 34 hosts, in file order, with no diagnostics at all', () => {
      assert.deepEqual(file.nodes.map((n) => n.name), NAMES_2025_12_26);
      assert.deepEqual(file.diagnostics, []);
    });

    it('keeps every field of a host, unknown ones included', () => {
      const mac = node(file, 'mac-studio');
      assert.equal(mac.fields.gpu, 'M3 Max/Ultra (MPS)');
      assert.equal(mac.fields.role, 'coordinator');
      assert.deepEqual(Object.keys(mac.fields.storage_paths as object), ['games', 'models', 'training_data', 'checkpoints', 'logs', 'sync_incoming']);
      assert.equal(node(file, 'vast-29129529').fields.vast_instance_id, '29129529');
      assert.equal(node(file, 'vast-29129529').fields.ssh_port, 19528);
    });

    it('reads the cluster settings from auto_sync', () => {
      assert.equal(file.settings.maxConcurrentSyncs, 12);
      assert.equal(file.settings.bandwidthLimitMbps, 100);
      assert.deepEqual(file.settings.hostBandwidthOverrides.map((o) => `${o.glob}=${o.mbps}`), ['vast-*=50', 'runpod-*=100', 'nebius-*=100', 'vultr-*=50']);
    });

    it('normalises hosts as the runbook means them', () => {
      const vast = node(file, 'vast-29128352');
      assert.deepEqual(
        { address: vast.address, user: vast.user, sshPort: vast.sshPort, sshKey: vast.sshKey, remoteBase: vast.remoteBase, bw: vast.bandwidthLimitMbps },
        { address: '127.0.1.5', user: 'root', sshPort: 18352, sshKey: `${HOME}/.ssh/id_cluster`, remoteBase: '/workspace/ringrift/ai-service', bw: 50 },
      );
      assert.deepEqual(node(file, 'local-mac').transports, ['rsync', 'base64'], 'p2p_enabled: false removes p2p');
      assert.deepEqual(node(file, 'runpod-selfplay-a100').transports, ['p2p', 'http', 'rsync', 'base64'], 'p2p_public_port adds http');
      assert.equal(node(file, 'runpod-selfplay-a100').httpPort, 20640);
      assert.equal(node(file, 'mac-studio').bandwidthLimitMbps, 100, 'no glob matches: the cluster limit');
    });

    it('shows retired and proxy-only nodes but does not sync them; ringrift_path: null is no base', () => {
      assert.deepEqual([node(file, 'nebius-h100-2').status, node(file, 'nebius-h100-2').ready], ['retired', false]);
      const proxy = node(file, 'aws-proxy');
      assert.deepEqual([proxy.status, proxy.ready, proxy.remoteBase], ['proxy_only', false, undefined]);
      assert.equal(file.nodes.filter((n) => n.ready).length, 32);
    });

    it('reads skip_sync_receive on the coordinator local-mac only', () => {
      assert.deepEqual(file.nodes.filter((n) => n.skipSyncReceive).map((n) => n.name), ['local-mac']);
    });

    it('gives every node the line and column of its key', () => {
      assert.deepEqual(node(file, 'mac-studio').range.start, { line: 105, column: 3 });
      assert.deepEqual(node(file, 'hetzner-cpu3').range.start, { line: 701, column: 3 });
    });
  });

  describe('the real cluster file of 2026-01-01', () => {
    const file = real(REAL_2026_01_01);

    it('loads all 42 hosts with no diagnostics, beside protocols, disk_management and consolidation', () => {
      assert.deepEqual(file.nodes.map((n) => n.name), NAMES_2026_01_01);
      assert.deepEqual(file.diagnostics, []);
    });

    it('prefers tailscale_ip as the address and keeps ssh_host for SSH', () => {
      const lambda = node(file, 'lambda-gh200-1');
      assert.deepEqual([lambda.address, lambda.sshHost, lambda.tailscaleIp], ['127.0.1.4', '127.0.1.3', '127.0.1.4']);
    });

    it('records nat_blocked and force_relay_mode and keeps the chain as written (the plan applies relay mode)', () => {
      const lambda = node(file, 'lambda-gh200-1');
      assert.deepEqual([lambda.natBlocked, lambda.forceRelayMode], [true, true]);
      assert.deepEqual(lambda.transports, ['p2p', 'rsync', 'base64']);
      const onlyForced = node(file, 'lambda-gh200-11');
      assert.deepEqual([onlyForced.natBlocked, onlyForced.forceRelayMode], [false, true], 'force_relay_mode without nat_blocked');
      assert.equal(file.nodes.filter((n) => n.forceRelayMode).length, 16);
      assert.equal(file.nodes.filter((n) => n.natBlocked).length, 13);
    });

    it('reads is_ephemeral on the vast.ai nodes only, and skip_sync_receive on local-mac', () => {
      const ephemeral = file.nodes.filter((n) => n.isEphemeral).map((n) => n.name);
      assert.equal(ephemeral.length, 14);
      assert.ok(ephemeral.every((name) => name.startsWith('vast-')), ephemeral.join(', '));
      assert.deepEqual(file.nodes.filter((n) => n.skipSyncReceive).map((n) => n.name), ['local-mac']);
    });

    it('no host sets data_server_port: every node gets RingRift\'s 8766', () => {
      assert.deepEqual([...new Set(file.nodes.map((n) => n.dataServerPort))], [8766]);
    });

    it('applies the hetzner-* override', () => {
      assert.equal(node(file, 'hetzner-cpu1').bandwidthLimitMbps, 30);
      assert.equal(node(file, 'vast-29118471').bandwidthLimitMbps, 50);
    });
  });

  describe('structure', () => {
    it('a minimal host takes every default', () => {
      const solo = node(parseFixture('minimal.yaml'), 'solo');
      assert.deepEqual(
        [solo.user, solo.sshPort, solo.p2pEnabled, solo.p2pPort, solo.httpPort, solo.status, solo.ready, solo.natBlocked, solo.sshKey, solo.chainSource],
        ['ubuntu', 22, true, 8770, undefined, 'ready', true, false, undefined, 'default'],
      );
      assert.deepEqual(
        [solo.remoteBase, solo.dataServerPort, solo.forceRelayMode, solo.skipSyncReceive, solo.isEphemeral],
        ['~/ringrift/ai-service', 8766, false, false, false],
        "RingRift's defaults",
      );
      assert.deepEqual(solo.transports, ['p2p', 'rsync', 'base64']);
    });

    it('a document that is a list is one error at its start', () => {
      const file = parseFixture('list-document.yaml');
      assert.deepEqual(codes(file.diagnostics), ['root_not_map']);
      assert.equal(at(file.diagnostics[0]), '2:1');
      assert.deepEqual(file.nodes, []);
    });

    it('hosts: holding a string is one error at the string', () => {
      const file = parseFixture('hosts-is-string.yaml');
      assert.deepEqual(codes(file.diagnostics), ['hosts_not_map']);
      assert.equal(at(file.diagnostics[0]), '2:8');
      assert.match(file.diagnostics[0].message, /hosts: must be a map of node name -> fields, got a single value/);
    });

    it('an empty or comment-only file is one error at 1:1', () => {
      for (const text of ['', '  \n\n', '# nothing here\n']) {
        const file = parseText(text);
        assert.deepEqual(codes(file.diagnostics), ['empty_file'], JSON.stringify(text));
        assert.equal(at(file.diagnostics[0]), '1:1');
      }
    });

    it('a file without hosts: says so; an empty hosts: is only a warning', () => {
      assert.deepEqual(codes(parseText('auto_sync:\n  enabled: true\n').diagnostics), ['no_hosts']);
      const empty = parseText('hosts:\n');
      assert.deepEqual(empty.diagnostics.map((d) => [d.code, d.severity]), [['no_hosts', 'warning']]);
    });

    it('elo_sync.transports is a list of Elo methods, not a host chain: never checked as one', () => {
      const file = parseText('elo_sync:\n  transports: [tailscale, aria2, http]\nhosts:\n  a:\n    ssh_host: 127.0.0.1\n');
      assert.deepEqual(file.diagnostics, []);
      assert.deepEqual(node(file, 'a').transports, ['p2p', 'rsync', 'base64']);
    });

    it('NUL bytes: a binary file, with the position of the first one', () => {
      const file = parseText('hosts:\n  a\0b: 1\n');
      assert.deepEqual(codes(file.diagnostics), ['binary_file']);
      assert.equal(at(file.diagnostics[0]), '2:4');
    });
  });
});
