import { strict as assert } from 'node:assert';
import { parseHostsText } from '../../../../src/core/hosts';
import { quickFixesAt, type QuickFix } from '../../../../src/core/language';
import { applyEdits, documentOf, fixtureText, HOME, positionOf } from './languageFixtures';

/** chain-mistakes.yaml: one of each mistake. Each fix is applied and the file validated again. */
describe('quickFixesAt', () => {
  const text = fixtureText('chain-mistakes.yaml');
  const doc = documentOf(text);
  const codesOf = (t: string) => parseHostsText(t, 'x.yaml', { homedir: HOME }).diagnostics.map((d) => d.code);
  const fixesFor = (code: string): QuickFix[] => {
    const d = doc.diagnostics.find((x) => x.code === code);
    assert.ok(d, `no ${code} in the fixture: ${doc.diagnostics.map((x) => x.code).join()}`);
    return quickFixesAt(doc, d.range).filter((f) => f.diagnostic === d);
  };
  const apply = (fix: QuickFix) => applyEdits(text, fix.edits);

  it('finds every mistake of the fixture', () => {
    assert.deepEqual(codesOf(text), ['unknown_host_reference', 'unknown_status', 'unknown_transport', 'duplicate_priority', 'duplicate_key', 'last_resort_not_last', 'duplicate_transport', 'duplicate_host']);
    assert.deepEqual(doc.diagnostics.map((d) => d.code), codesOf(text));
  });

  it('changes a misspelt transport type, status or host name to the word it resembles', () => {
    const cases = [
      ['unknown_transport', 'rsyn', 'rsync', 'type: rsyn\n', 'type: rsync\n'],
      ['unknown_status', 'redy', 'ready', 'status: redy', 'status: ready'],
      ['unknown_host_reference', 'gpu-alpa', 'gpu-alpha', '- gpu-alpa', '- gpu-alpha'],
    ];
    for (const [code, word, guess, from, to] of cases) {
      const [fix] = fixesFor(code);
      assert.equal(fix.title, `Change '${word}' to '${guess}'`);
      assert.equal(fix.preferred, true);
      const after = apply(fix);
      assert.equal(after, text.replace(from, to), code);
      assert.ok(!codesOf(after).includes(code), code);
    }
  });

  it('renumbers a host\'s priorities in chain order', () => {
    const [fix] = fixesFor('duplicate_priority');
    assert.match(fix.title, /^Renumber the priorities of host 'gpu-alpha'/);
    const after = apply(fix);
    assert.match(after, /type: rsyn\n {8}priority: 1\n {6}- type: base64\n {8}priority: 2\n {6}- type: p2p\n {8}priority: 3\n/);
    assert.ok(!codesOf(after).includes('duplicate_priority'));
  });

  it('moves a last_resort step last, or renumbers the whole chain', () => {
    const [move, renumber] = fixesFor('last_resort_not_last');
    assert.equal(move.title, 'Move the last_resort step last (priority 4)');
    assert.ok(!codesOf(apply(move)).includes('last_resort_not_last'));
    const after = apply(renumber);
    assert.match(after, /- type: base64\n {8}priority: 3\n {8}last_resort: true\n {6}- type: rsync\n {8}priority: 1\n {6}- type: ssh\n {8}priority: 2\n/);
    assert.ok(!codesOf(after).includes('last_resort_not_last'));
  });

  it('removes a duplicate: a repeated field, a repeated transport, a second definition of a host', () => {
    for (const [code, gone] of [['duplicate_key', '    ssh_port: 2222\n'], ['duplicate_transport', '      - type: ssh\n        priority: 3\n'], ['duplicate_host', '  gpu-alpha:\n    ssh_host: 127.0.0.9\n']]) {
      const [fix] = fixesFor(code);
      const after = apply(fix);
      assert.equal(after, text.replace(gone, ''), code);
      assert.ok(!codesOf(after).includes(code), code);
    }
  });

  it('writes out the default transports: block for a host that has none', () => {
    const plain = 'hosts:\n  gpu-a:\n    ssh_host: 127.0.0.2\n    p2p_public_port: 8771\n  gpu-b:\n    ssh_host: 127.0.0.3\n';
    const d = documentOf(plain);
    const [fix] = quickFixesAt(d, { start: positionOf(plain, 'gpu-a', 2), end: positionOf(plain, 'gpu-a', 2) });
    assert.equal(fix.title, "Add the default transports: block to host 'gpu-a'");
    const after = applyEdits(plain, fix.edits);
    assert.equal(
      after,
      plain.replace(
        '8771\n',
        '8771\n    transports:\n      - type: p2p\n        priority: 1\n      - type: http\n        priority: 2\n      - type: rsync\n        priority: 3\n        fallback: true\n      - type: base64\n        priority: 4\n        last_resort: true\n',
      ),
    );
    assert.deepEqual(codesOf(after), []);
    assert.deepEqual(parseHostsText(after, 'x', { homedir: HOME }).nodes[0].transports, parseHostsText(plain, 'x', { homedir: HOME }).nodes[0].transports);
    assert.deepEqual(quickFixesAt(documentOf(after), { start: positionOf(after, 'gpu-a', 2), end: positionOf(after, 'gpu-a', 2) }), []);
  });
});
