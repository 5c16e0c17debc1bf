import { strict as assert } from 'node:assert';
import { at, parseFixture } from './fixtures';

describe('references (host names in other sections)', () => {
  const file = parseFixture('dangling-references.yaml');

  it('each name that matches no host is a warning at the name, with a did-you-mean when one is close', () => {
    assert.deepEqual(
      file.diagnostics.map((d) => [d.severity, d.code, at(d), d.message]),
      [
        ['warning', 'unknown_host_reference', '4:5', "p2p_voters[1]: no host is named 'alpah' (did you mean 'alpha'?); fix the name or add the host to hosts:"],
        ['warning', 'unknown_host_reference', '6:26', "sync_routing.priority_hosts[1]: no host is named 'gamma'; fix the name or add the host to hosts:"],
        ['warning', 'unknown_host_reference', '9:16', "elo_sync.coordinator: no host is named 'delta' (did you mean 'beta'?); fix the name or add the host to hosts:"],
      ],
    );
  });

  it('names that exist (and auto_sync.exclude_hosts, sync_routing.excluded_hosts) are fine; hosts still sync', () => {
    assert.ok(file.diagnostics.every((d) => !String(d.path[0]).startsWith('auto_sync')));
    assert.deepEqual(file.nodes.map((n) => n.ready), [true, true]);
  });
});
