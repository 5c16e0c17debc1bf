import { strict as assert } from 'node:assert';
import type { HostsDiagnostic, HostsFile, NodeSpec } from '../../../../src/core/hosts';
import { DEFAULT_ROUTER_SETTINGS, emptyState, type RouterState } from '../../../../src/core/router';
import { buildTree, type TreeInputs } from '../../../../src/extension/tree/buildTree';
import type { ViewOptions } from '../../../../src/extension/tree/viewOptions';
import { makeNode } from './nodeFixture';
import { NOW, StateBuilder } from './stateFixture';

const FILE = '/cluster/distributed_hosts.yaml';

function hostsFile(nodes: NodeSpec[] = [makeNode()], diagnostics: HostsDiagnostic[] = []): HostsFile {
  return { fileName: FILE, nodes, diagnostics, settings: { maxConcurrentSyncs: undefined, bandwidthLimitMbps: undefined, hostBandwidthOverrides: [] } };
}

function diagnostic(severity: HostsDiagnostic['severity'], message: string, line: number): HostsDiagnostic {
  return { severity, message, path: ['hosts'], code: 'test', range: { start: { line, column: 5 }, end: { line, column: 9 } } };
}

function build(nodes: NodeSpec[], state: RouterState = emptyState(), view?: Partial<ViewOptions>, diagnostics: HostsDiagnostic[] = []) {
  const inputs: TreeInputs = {
    hosts: { kind: 'loaded', file: FILE, hosts: hostsFile(nodes, diagnostics) },
    state,
    now: NOW,
    thresholds: DEFAULT_ROUTER_SETTINGS.alertThresholds,
    view: view && { groupBy: 'none', filter: '', onlyProblems: false, ...view },
  };
  return buildTree(inputs);
}

/** Four nodes: healthy, degraded, disabled, not synced. */
const NODES = [
  makeNode({ name: 'a-ok', fields: { role: 'gpu' } }),
  makeNode({ name: 'b-slow', fields: { role: 'gpu' } }),
  makeNode({ name: 'c-off', fields: { role: 'cpu' } }),
  makeNode({ name: 'd-maint', status: 'maintenance', ready: false }),
];
const STATE = new StateBuilder().probe('a-ok', 'p2p', true).probe('b-slow', 'p2p', false).probe('b-slow', 'rsync', true).disable('c-off').state;

describe('buildTree', () => {
  it('shows the summary row, then one row per node, in file order', () => {
    const tree = build([makeNode({ name: 'b' }), makeNode({ name: 'a' })]);
    assert.deepEqual(tree.roots.map((e) => e.label), ['2 nodes, 0 disabled, no alerts', 'b', 'a']);
    assert.equal(tree.roots[0].kind, 'summary');
    assert.equal(tree.message, undefined);
  });

  it('counts disabled nodes and alerts in the summary (1 of 4 disabled is over 20 %)', () => {
    const tree = build(NODES, STATE);
    assert.equal(tree.roots[0].label, '4 nodes, 1 disabled, 1 alert');
    assert.equal(tree.summary?.alerts[0].metric, 'disabled_nodes');
  });

  it('groups by state, worst first, each group expanded with its count', () => {
    const tree = build(NODES, STATE, { groupBy: 'state' });
    assert.deepEqual(tree.roots.slice(1).map((g) => `${g.label} ${g.description}: ${g.children.map((c) => c.label)}`), [
      'Disabled 1: c-off',
      'Degraded 1: b-slow',
      'Healthy 1: a-ok',
      'Not synced (status) 1: d-maint',
    ]);
    assert.ok(tree.roots.slice(1).every((g) => g.expanded && g.kind === 'group'));
  });

  it('groups by the role field, nodes without one last', () => {
    const tree = build(NODES, STATE, { groupBy: 'role' });
    assert.deepEqual(tree.roots.slice(1).map((g) => `${g.label}: ${g.children.map((c) => c.label)}`), ['cpu: c-off', 'gpu: a-ok,b-slow', '(no role): d-maint']);
  });

  it('filters by name, case-insensitively, and says what is hidden', () => {
    const tree = build(NODES, STATE, { filter: ' OK ' });
    assert.deepEqual(tree.roots.slice(1).map((e) => e.label), ['a-ok']);
    assert.equal(tree.message, "Showing 1 of 4 nodes: name contains 'OK'");
    assert.equal(build(NODES, STATE, { filter: 'zzz' }).message, "No node matches (name contains 'zzz'); 4 nodes hidden.");
  });

  it('shows only problems: degraded, unreachable, disabled', () => {
    const tree = build(NODES, STATE, { onlyProblems: true });
    assert.deepEqual(tree.roots.slice(1).map((e) => e.label), ['b-slow', 'c-off']);
    assert.equal(tree.message, 'Showing 2 of 4 nodes: only problems');
  });

  it('puts error diagnostics first, each opening its file:line:column; warnings stay out of the tree', () => {
    const tree = build([makeNode()], emptyState(), undefined, [diagnostic('warning', 'odd port', 2), diagnostic('error', "unknown transport 'ftp'", 7)]);
    assert.deepEqual(tree.roots.map((e) => e.kind), ['problem', 'summary', 'node']);
    assert.equal(tree.roots[0].label, "unknown transport 'ftp'");
    assert.equal(tree.roots[0].description, 'distributed_hosts.yaml:7:5');
    assert.deepEqual(tree.roots[0].location, { file: FILE, line: 7, column: 5 });
    assert.equal(tree.roots[0].onClick, 'openLocation');
  });

  it('says a file without hosts has none, rather than showing nothing', () => {
    const tree = build([]);
    assert.deepEqual(tree.roots.map((e) => e.label), ['No hosts in this file']);
    assert.equal(tree.roots[0].icon.id, 'info');
  });

  it('shows a missing file as one error row with the message as tooltip', () => {
    const tree = buildTree({ hosts: { kind: 'not_found', message: 'No distributed_hosts.yaml in /w; set ringriftSync.hostsFile' }, state: emptyState(), now: NOW, thresholds: DEFAULT_ROUTER_SETTINGS.alertThresholds });
    assert.equal(tree.roots.length, 1);
    assert.equal(tree.roots[0].label, 'No hosts file found');
    assert.match(tree.roots[0].tooltip, /set ringriftSync\.hostsFile/);
    assert.equal(tree.summary, undefined);
  });

  it('shows an unreadable file as one error row naming the file', () => {
    const tree = buildTree({ hosts: { kind: 'unreadable', file: FILE, message: `cannot read ${FILE}: permission denied (EACCES)` }, state: emptyState(), now: NOW, thresholds: DEFAULT_ROUTER_SETTINGS.alertThresholds });
    assert.equal(tree.roots[0].label, 'Cannot read distributed_hosts.yaml');
    assert.match(tree.roots[0].tooltip, /permission denied \(EACCES\)/);
  });

  it('builds a 1,000-node tree with state in bounded time (a generous bound: CI shares 2 cores)', () => {
    const nodes = Array.from({ length: 1000 }, (_, i) => makeNode({ name: `n-${i}`, fields: { role: `r${i % 7}`, gpu: 'H100' } }));
    const b = new StateBuilder();
    for (let i = 0; i < 1000; i++) {
      b.probe(`n-${i}`, 'p2p', i % 3 !== 0).probe(`n-${i}`, 'rsync', true);
      if (i % 50 === 0) b.disable(`n-${i}`);
    }
    const t0 = performance.now();
    const tree = build(nodes, b.state, { groupBy: 'state' });
    const ms = performance.now() - t0;
    assert.equal(tree.roots.slice(1).reduce((n, g) => n + g.children.length, 0), 1000);
    assert.ok(ms < 5000, `built in ${ms.toFixed(0)} ms`);
  });
});
