import { strict as assert } from 'node:assert';
import type { HostsDiagnostic, HostsFile } from '../../../../src/core/hosts';
import { buildTree } from '../../../../src/extension/tree/buildTree';
import { makeNode } from './nodeFixture';

const FILE = '/cluster/distributed_hosts.yaml';

function hostsFile(nodes = [makeNode()], diagnostics: HostsDiagnostic[] = []): HostsFile {
  return { fileName: FILE, nodes, diagnostics, settings: { maxConcurrentSyncs: undefined, bandwidthLimitMbps: undefined, hostBandwidthOverrides: [] } };
}

function diagnostic(severity: HostsDiagnostic['severity'], message: string, line: number): HostsDiagnostic {
  return { severity, message, path: ['hosts'], code: 'test', range: { start: { line, column: 5 }, end: { line, column: 9 } } };
}

describe('buildTree', () => {
  it('shows one row per node, in file order', () => {
    const tree = buildTree({ kind: 'loaded', file: FILE, hosts: hostsFile([makeNode({ name: 'b' }), makeNode({ name: 'a' })]) });
    assert.deepEqual(tree.map((e) => e.label), ['b', 'a']);
  });

  it('puts error diagnostics first, each opening its file:line:column; warnings stay out of the tree', () => {
    const tree = buildTree({
      kind: 'loaded',
      file: FILE,
      hosts: hostsFile([makeNode()], [diagnostic('warning', 'odd port', 2), diagnostic('error', "unknown transport 'ftp'", 7)]),
    });
    assert.deepEqual(tree.map((e) => e.kind), ['problem', 'node']);
    assert.equal(tree[0].label, "unknown transport 'ftp'");
    assert.equal(tree[0].description, 'distributed_hosts.yaml:7:5');
    assert.match(tree[0].tooltip, /\/cluster\/distributed\\_hosts\.yaml:7:5: unknown transport 'ftp'/);
    assert.deepEqual(tree[0].location, { file: FILE, line: 7, column: 5 });
    assert.equal(tree[0].opensOnClick, true);
  });

  it('says a file without hosts has none, rather than showing nothing', () => {
    const tree = buildTree({ kind: 'loaded', file: FILE, hosts: hostsFile([]) });
    assert.equal(tree.length, 1);
    assert.equal(tree[0].label, 'No hosts in this file');
    assert.equal(tree[0].icon.id, 'info');
  });

  it('shows a missing file as one error row with the message as tooltip', () => {
    const tree = buildTree({ kind: 'not_found', message: 'No distributed_hosts.yaml in /w; set ringriftSync.hostsFile' });
    assert.equal(tree.length, 1);
    assert.equal(tree[0].label, 'No hosts file found');
    assert.equal(tree[0].icon.id, 'error');
    assert.match(tree[0].tooltip, /set ringriftSync\.hostsFile/);
    assert.equal(tree[0].opensOnClick, false);
  });

  it('shows an unreadable file as one error row naming the file', () => {
    const tree = buildTree({ kind: 'unreadable', file: FILE, message: `cannot read ${FILE}: permission denied (EACCES)` });
    assert.equal(tree[0].label, 'Cannot read distributed_hosts.yaml');
    assert.match(tree[0].tooltip, /permission denied \(EACCES\)/);
  });
});
