import { strict as assert } from 'node:assert';
import { expandHome, splitUserHost } from '../../../../src/core/hosts/normalise';
import { about, codes, HOME, node, parseFixture, parseText } from './fixtures';

describe('normalise', () => {
  describe('splitUserHost', () => {
    it('splits user@host at the last @ and trims', () => {
      assert.deepEqual(splitUserHost('deploy@10.0.0.1'), { user: 'deploy', host: '10.0.0.1' });
      assert.deepEqual(splitUserHost('10.0.0.1'), { user: undefined, host: '10.0.0.1' });
      assert.deepEqual(splitUserHost('a@b@host'), { user: 'a@b', host: 'host' });
      assert.deepEqual(splitUserHost('root@'), { user: 'root', host: undefined });
    });
  });

  describe('expandHome', () => {
    it('expands ~ and ~/ only', () => {
      assert.equal(expandHome('~', HOME), HOME);
      assert.equal(expandHome('~/.ssh/id_cluster', HOME), `${HOME}/.ssh/id_cluster`);
      assert.equal(expandHome('~other/.ssh/key', HOME), '~other/.ssh/key');
      assert.equal(expandHome('/etc/key', HOME), '/etc/key');
    });
  });

  describe('addresses and users', () => {
    const file = parseFixture('user-at-host.yaml');

    it('loads with no diagnostics', () => {
      assert.deepEqual(file.diagnostics, []);
    });

    it('the user in user@host applies when ssh_user is absent; ssh_user wins otherwise', () => {
      assert.deepEqual([node(file, 'from-host').user, node(file, 'from-host').sshHost, node(file, 'from-host').address], ['deploy', '127.0.0.2', '127.0.0.2']);
      assert.deepEqual([node(file, 'user-field-wins').user, node(file, 'user-field-wins').sshHost], ['admin', '127.0.0.3']);
    });

    it('tailscale_ip is the address; ssh_host stays the SSH host; ~ in ssh_key is expanded, not in ringrift_path', () => {
      const n = node(file, 'tailscale-preferred');
      assert.deepEqual([n.address, n.sshHost, n.tailscaleIp], ['127.0.0.5', '127.0.0.4', '127.0.0.5']);
      assert.equal(n.sshKey, `${HOME}/.ssh/id_cluster`);
      assert.equal(n.remoteBase, '~/ringrift/ai-service', 'the node resolves its own ~');
    });

    it('a host with only tailscale_ip has an address but no SSH host', () => {
      const n = node(file, 'tailscale-only');
      assert.deepEqual([n.address, n.sshHost], ['127.0.0.6', undefined]);
    });
  });

  describe('status', () => {
    it('absent means ready; a known word other than ready is shown, not synced', () => {
      const f = parseText('hosts:\n  a:\n    ssh_host: 127.0.0.1\n  b:\n    ssh_host: 127.0.0.2\n    status: maintenance\n');
      assert.deepEqual(f.nodes.map((n) => [n.status, n.statusKnown, n.ready]), [['ready', true, true], ['maintenance', true, false]]);
      assert.deepEqual(f.diagnostics, []);
    });

    it('an unknown word is a warning with a did-you-mean, and the node is not ready', () => {
      const f = parseFixture('wrong-types.yaml');
      const ds = about(f, 'typo-status');
      assert.deepEqual(ds.map((d) => [d.code, d.severity]), [['unknown_status', 'warning']]);
      assert.match(ds[0].message, /^host 'typo-status': status 'redy' is unknown \(did you mean 'ready'\?\); known statuses: ready, disabled, .*; the node is shown but not synced$/);
      const n = node(f, 'typo-status');
      assert.deepEqual([n.status, n.statusKnown, n.ready], ['redy', false, false]);
    });
  });

  describe("RingRift's own fields", () => {
    const host = (lines: string) => parseText(`hosts:\n  a:\n    ssh_host: 127.0.0.1\n${lines}`);

    it('archived and retired are known inactive statuses: no warning, not synced', () => {
      for (const status of ['archived', 'retired']) {
        const f = host(`    status: ${status}\n`);
        assert.deepEqual(f.diagnostics, []);
        assert.deepEqual([f.nodes[0].statusKnown, f.nodes[0].ready], [true, false]);
      }
    });

    it("ringrift_path: absent is RingRift's ~/ringrift/ai-service; null is no base, as RingRift reads it", () => {
      assert.equal(host('').nodes[0].remoteBase, '~/ringrift/ai-service');
      const nulled = host('    ringrift_path: null\n');
      assert.deepEqual([nulled.nodes[0].remoteBase, nulled.diagnostics], [undefined, []]);
      assert.equal(host('    ringrift_path: /srv/rr\n').nodes[0].remoteBase, '/srv/rr');
    });

    it('data_server_port: read as a port, default 8766, checked 1..65535', () => {
      assert.equal(host('    data_server_port: 9000\n').nodes[0].dataServerPort, 9000);
      const bad = host('    data_server_port: 70000\n');
      assert.deepEqual(codes(bad.diagnostics), ['port_range']);
      assert.match(bad.diagnostics[0].message, /^host 'a': data_server_port /);
      assert.deepEqual([bad.nodes[0].dataServerPort, bad.nodes[0].ready], [8766, false]);
    });

    it('the flags are booleans: read when true, an error naming the field otherwise', () => {
      const n = host('    force_relay_mode: true\n    skip_sync_receive: true\n    is_ephemeral: true\n').nodes[0];
      assert.deepEqual([n.forceRelayMode, n.skipSyncReceive, n.isEphemeral, n.natBlocked], [true, true, true, false]);
      const bad = host('    skip_sync_receive: "yes please"\n');
      assert.match(bad.diagnostics[0].message, /^host 'a': skip_sync_receive must be true or false/);
      assert.equal(bad.nodes[0].skipSyncReceive, false);
    });
  });

  describe('YAML 1.1, as RingRift reads the file', () => {
    const file = parseFixture('merge-keys.yaml');

    it('applies <<: *defaults merge keys, own keys first', () => {
      assert.deepEqual(file.diagnostics, []);
      const n = node(file, 'merged');
      assert.deepEqual([n.user, n.sshPort, n.sshKey], ['root', 2200, `${HOME}/.ssh/id_cluster`]);
      assert.equal(n.fields.ssh_user, 'root');
    });

    it('reads p2p_enabled: no as false', () => {
      assert.deepEqual(node(file, 'yes-no').transports, ['rsync', 'base64']);
    });
  });

  describe('a host with errors', () => {
    it('is still listed, with defaults for the bad values, but not ready', () => {
      const f = parseFixture('wrong-types.yaml');
      const n = node(f, 'port-text');
      assert.deepEqual([n.sshPort, n.ready], [22, false]);
      assert.equal(node(f, 'fine').ready, true, 'unknown fields of any type are never an error');
      assert.deepEqual(about(f, 'fine'), []);
    });

    it('has no address: an error at its key', () => {
      const f = parseFixture('wrong-types.yaml');
      const ds = about(f, 'no-address');
      assert.deepEqual(codes(ds), ['no_address']);
      assert.equal(ds[0].message, "host 'no-address' has no address: add ssh_host (or tailscale_ip) so it can be reached");
      assert.equal(node(f, 'no-address').address, undefined);
    });
  });
});
