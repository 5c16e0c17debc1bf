import { strict as assert } from 'node:assert';
import { about, at, codes, node, parseFixture, parseText } from './fixtures';

describe('checkValue (field types, through parseHostsText)', () => {
  const file = parseFixture('wrong-types.yaml');

  const one = (host: string) => {
    const ds = about(file, host);
    assert.equal(ds.length, 1, JSON.stringify(ds));
    return ds[0];
  };

  it('a port written as text', () => {
    const d = one('port-text');
    assert.deepEqual([d.code, d.severity, at(d)], ['wrong_type', 'error', '5:15']);
    assert.equal(d.message, "host 'port-text': ssh_port must be a whole number from 1 to 65535, got the text 'abc'");
    assert.deepEqual(d.path, ['hosts', 'port-text', 'ssh_port']);
  });

  it('a port out of range', () => {
    const d = one('port-too-big');
    assert.deepEqual([d.code, at(d)], ['port_range', '8:15']);
    assert.equal(d.message, "host 'port-too-big': ssh_port 70000 is out of range: ports are 1 to 65535");
  });

  it('a port that is not a whole number', () => {
    assert.equal(one('port-fraction').code, 'not_integer');
    assert.match(one('port-fraction').message, /p2p_port must be a whole number from 1 to 65535, got 8770.5/);
  });

  it('a port in quotes says to remove them', () => {
    assert.match(one('port-quoted').message, /p2p_public_port must be .*, got the text '20640'; remove the quotes$/);
  });

  it('"yes" in quotes is text, not a boolean; so is a bare word', () => {
    const ds = about(file, 'flag-as-text');
    assert.deepEqual(codes(ds), ['wrong_type', 'wrong_type']);
    assert.equal(ds[0].message, "host 'flag-as-text': p2p_enabled must be true or false, got the text 'yes'; write true without quotes");
    assert.equal(ds[1].message, "host 'flag-as-text': nat_blocked must be true or false, got the text 'maybe'");
  });

  it('a host that is not a map is skipped with an error', () => {
    const d = one('not-a-map');
    assert.deepEqual([d.code, at(d)], ['host_not_map', '19:14']);
    assert.match(d.message, /^host 'not-a-map' must be a map of fields .*, got the text 'just a string': the host is skipped$/);
    assert.equal(file.nodes.some((n) => n.name === 'not-a-map'), false);
  });

  it('a host key with nothing under it is skipped with an error at the key', () => {
    const f = parseText('hosts:\n  empty:\n  ok:\n    ssh_host: 127.0.0.1\n');
    assert.deepEqual(f.diagnostics.map((d) => [d.code, at(d)]), [['host_not_map', '2:3']]);
    assert.deepEqual(f.nodes.map((n) => n.name), ['ok']);
  });

  it('a field with nothing after it counts as absent', () => {
    const f = parseText('hosts:\n  a:\n    ssh_host: 127.0.0.1\n    ssh_key:\n    ssh_port:\n');
    assert.deepEqual(f.diagnostics, []);
    assert.deepEqual([node(f, 'a').sshKey, node(f, 'a').sshPort], [undefined, 22]);
  });

  it('cluster settings of the wrong type are errors naming the section', () => {
    const f = parseText('auto_sync:\n  max_concurrent_syncs: 0\n  bandwidth_limit_mbps: fast\n  host_bandwidth_overrides:\n    vast-*: -5\nhosts:\n  a:\n    ssh_host: 127.0.0.1\n');
    assert.deepEqual(
      f.diagnostics.map((d) => d.message),
      [
        'auto_sync.max_concurrent_syncs 0 is out of range: it must be a whole number of at least 1',
        "auto_sync.bandwidth_limit_mbps must be a number greater than 0, got the text 'fast'",
        'auto_sync.host_bandwidth_overrides.vast-* must be a number greater than 0, got -5',
      ],
    );
    assert.deepEqual(f.settings, { maxConcurrentSyncs: undefined, bandwidthLimitMbps: undefined, hostBandwidthOverrides: [] });
  });

  it('host-name lists of the wrong shape are errors', () => {
    const f = parseText('p2p_voters: alpha\nsync_routing:\n  priority_hosts: [1, alpha]\nhosts:\n  alpha:\n    ssh_host: 127.0.0.1\n');
    assert.deepEqual(f.diagnostics.map((d) => [d.code, d.message]), [
      ['wrong_type', "p2p_voters must be a list, got the text 'alpha'"],
      ['wrong_type', 'sync_routing.priority_hosts[0] must be text, got 1'],
    ]);
  });
});
