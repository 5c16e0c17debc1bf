import { strict as assert } from 'node:assert';
import { parseHostsText } from '../../../../src/core/hosts';
import { HostsDocument } from '../../../../src/core/language';
import { NO_UNSAVED_CHANGES, sameUnsavedChanges, unsavedChanges } from '../../../../src/extension/cluster/unsavedChanges';

const FILE = '/c/distributed_hosts.yaml';
const SAVED = 'hosts:\n  a:\n    ssh_host: 10.0.0.1\n  b:\n    ssh_host: 10.0.0.2\n  c:\n    ssh_host: 10.0.0.3\n';
const AUTO_SYNC = 'auto_sync:\n  host_bandwidth_overrides:\n    b: 40\n';

function compare(editorText: string, savedText = SAVED) {
  const doc = new HostsDocument(FILE, '/home/u');
  doc.update(editorText);
  return unsavedChanges(parseHostsText(savedText, FILE).nodes, doc.hosts);
}

describe('unsavedChanges (editor text against the saved file)', () => {
  it('finds nothing when the editor says the same, even with hosts moved or comments added', () => {
    const moved = 'hosts:\n  # first\n  c:\n    ssh_host: 10.0.0.3\n  a:\n    ssh_host: 10.0.0.1\n  b:\n    ssh_host: 10.0.0.2\n';
    assert.ok(sameUnsavedChanges(compare(SAVED), NO_UNSAVED_CHANGES));
    assert.ok(sameUnsavedChanges(compare(moved), NO_UNSAVED_CHANGES));
  });

  it('does not take a bandwidth override from auto_sync for a change of the host (the editor parses hosts one by one)', () => {
    assert.ok(sameUnsavedChanges(compare(SAVED + AUTO_SYNC, SAVED + AUTO_SYNC), NO_UNSAVED_CHANGES));
  });

  it('marks changed and removed saved nodes, and lists hosts only the editor has', () => {
    const edited = 'hosts:\n  a:\n    ssh_host: 10.9.9.9\n  c:\n    ssh_host: 10.0.0.3\n  new-1:\n    ssh_host: 10.0.0.4\n';
    const changes = compare(edited);
    assert.deepEqual([...changes.saved], [['a', 'changed'], ['b', 'removed']]);
    assert.deepEqual(changes.onlyInEditor, ['new-1']);
    assert.ok(!sameUnsavedChanges(changes, NO_UNSAVED_CHANGES));
    assert.ok(sameUnsavedChanges(changes, compare(edited)));
  });
});
