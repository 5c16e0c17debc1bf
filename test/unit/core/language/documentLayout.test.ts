import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { layoutOf, layoutSteps } from '../../../../src/core/language/documentLayout';
import { manyHostsYaml } from '../../../fixtures/hosts/manyHosts';
import { fixtureText, REAL_FILES } from './languageFixtures';

describe('layoutOf', () => {
  it('splits the file into sections, and hosts: into one block per host with what follows each', () => {
    const text = fixtureText('transport-chain.yaml');
    const layout = layoutOf(text)!;
    assert.deepEqual(layout.sections.map((s) => [s.name, s.startLine, s.endLine, s.follower, s.first]), [
      ['p2p_voters', 2, 4, 'section', true],
      ['sync_routing', 4, 7, 'section', false],
      ['elo_sync', 7, 9, 'section', false],
      ['hosts', 9, 10, 'host', false],
    ]);
    assert.deepEqual(layout.hosts.map((h) => [h.name, h.startLine, h.endLine, h.follower, h.first]), [
      ['gpu-alpha', 10, 23, 'host', true],
      ['gpu-beta', 23, 27, 'end', false],
    ]);
    assert.equal(layout.hostIndent, 2);
    assert.equal(layout.hosts.map((h) => h.text).join(''), text.slice(text.indexOf('  gpu-alpha:')));
  });

  it('keeps comments and blank lines with the block before them', () => {
    const text = 'hosts:\n  # first\n  a:\n    ssh_host: x\n\n# about b\n  b:\n    ssh_host: y\nauto_sync:\n  max_concurrent_syncs: 2\n';
    const layout = layoutOf(text)!;
    assert.deepEqual(layout.hosts.map((h) => h.text), ['  a:\n    ssh_host: x\n\n# about b\n', '  b:\n    ssh_host: y\n']);
    assert.equal(layout.hosts[1].follower, 'section');
    assert.equal(layout.sections[0].text, 'hosts:\n  # first\n');
  });

  it('refuses layouts whose blocks could depend on each other', () => {
    const refused = [
      '---\nhosts:\n  a: {}\n',
      'hosts:\n    a:\n      ssh_host: x\n  b:\n    ssh_host: y\n', // ragged indentation
      'hosts:\n  a:\n    ssh_host: x\n  b\n', // a host name still being typed
      'hosts:\n  "a":\n    ssh_host: x\n',
      'hosts:\n  a:\n\tssh_host: x\n',
      'hosts: {a: {}}\n',
      'hosts:\n  a: {}\nhosts:\n  b: {}\n',
      '  indented: first\nhosts:\n  a: {}\n',
      'auto_sync:\n  max_concurrent_syncs: 2\n', // no hosts
      'hosts:\n',
      'hosts:\r  a: {}\r',
    ];
    for (const text of refused) assert.equal(layoutOf(text), undefined, JSON.stringify(text));
  });

  it('splits both real files, every host a block', () => {
    for (const file of REAL_FILES) {
      const text = fs.readFileSync(file, 'utf8');
      const layout = layoutOf(text)!;
      assert.ok(layout, file);
      assert.equal(layout.hosts.length, (text.slice(text.indexOf('\nhosts:')).match(/^ {2}[\w.-]+:/gm) ?? []).length, file);
      const whole = layout.sections.flatMap((s, k) => (k === layout.hostsSection ? [s, ...layout.hosts] : [s]));
      assert.equal(whole.map((b) => b.text).join(''), text.slice(whole[0].startOffset), file);
    }
  });

  it('splits a long text in steps of a few thousand lines, to the same layout', () => {
    const text = manyHostsYaml(1000);
    const steps = layoutSteps(text);
    let yields = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) yields++;
    assert.ok(yields >= text.split('\n').length / 5000, `${yields} steps`);
    assert.deepEqual(step.value, layoutOf(text));
  });
});
