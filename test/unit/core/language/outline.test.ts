import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { hostLenses, hostSymbol, inlineStates } from '../../../../src/core/language';
import { documentOf, fixtureText, REAL_FILES, span } from './languageFixtures';

describe('host symbols, lenses and inline state', () => {
  const doc = documentOf(fixtureText('transport-chain.yaml'));

  it('gives one outline symbol per host: its lines, its key, its chain and status', () => {
    assert.deepEqual(
      doc.hosts.map(hostSymbol).map((s) => [s.name, s.detail, span(s.range), span(s.selectionRange)]),
      [
        ['gpu-alpha', 'p2p > rsync > base64 · ready', '11:1-24:1', '11:3-11:12'],
        ['gpu-beta', 'rsync > base64 · maintenance', '24:1-28:1', '24:3-24:11'],
      ],
    );
  });

  it('puts Test, Sync and History above each host that is a node, not above a repeated one', () => {
    const twice = documentOf('hosts:\n  a:\n    ssh_host: 127.0.0.2\n  b: 3\n  a:\n    ssh_host: 127.0.0.4\n');
    assert.deepEqual(hostLenses(twice).map((l) => `${l.host} ${l.title} ${span(l.range)}`), ['a Test 2:3-2:4', 'a Sync 2:3-2:4', 'a History 2:3-2:4']);
    assert.equal(hostSymbol(twice.hosts[2]).detail, 'defined twice: this definition is ignored');
    assert.equal(hostSymbol(twice.hosts[1]).detail, 'not a map of fields');
  });

  it('gives lenses only of hosts whose key is on the lines asked for (a long file: near what is shown)', () => {
    const hosts = (near: Array<{ from: number; to: number }>) => [...new Set(hostLenses(doc, near).map((l) => l.host))];
    assert.deepEqual(hosts([{ from: 1, to: 11 }]), ['gpu-alpha']);
    assert.deepEqual(hosts([{ from: 12, to: 23 }]), []);
    assert.deepEqual(hosts([{ from: -300, to: 5 }, { from: 20, to: 400 }]), ['gpu-beta']);
    assert.equal(hostLenses(doc).length, 6, 'no lines given: every host');
  });

  it('writes each known node\'s live state after its name', () => {
    const states = inlineStates(doc, (name) => (name === 'gpu-beta' ? { enabled: false, reason: 'all_transports_exhausted' } : undefined));
    assert.deepEqual(states, [{ host: 'gpu-beta', range: doc.hosts[1].keyRange, text: 'disabled: all_transports_exhausted' }]);
  });

  it('lists every host of both real files', () => {
    for (const file of REAL_FILES) {
      const text = fs.readFileSync(file, 'utf8');
      const names = [...text.matchAll(/^ {2}([\w.-]+):/gm)].map((m) => m[1]).filter((n) => text.indexOf(`\n  ${n}:`) > text.indexOf('\nhosts:'));
      assert.deepEqual(documentOf(text).hosts.map((h) => hostSymbol(h).name), names, file);
    }
  });
});
