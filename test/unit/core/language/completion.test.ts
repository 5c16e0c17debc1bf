import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { completionsAt, type CompletionEntry } from '../../../../src/core/language';
import { documentOf, fixtureText, positionOf, REAL_FILES, span, typed } from './languageFixtures';

/** Completion at a cursor placed after typing `insert` at `where` in the transport-chain fixture. */
function completeAfter(insert: string, where: { needle: string; plus?: number; nth?: number }, text = fixtureText('transport-chain.yaml')): CompletionEntry[] {
  const edit = typed(text, positionOf(text, where.needle, where.plus, where.nth), insert);
  return completionsAt(documentOf(edit.text), edit.cursor);
}
const labels = (entries: CompletionEntry[]) => entries.map((e) => e.label);

describe('completionsAt', () => {
  it('lists the transport types after `type: b`, each saying what it needs, replacing the typed word', () => {
    const entries = completeAfter('\n      - type: b', { needle: 'last_resort: true' });
    assert.deepEqual(labels(entries), ['p2p', 'http', 'rsync', 'ssh', 'base64']);
    const base64 = entries.find((e) => e.label === 'base64')!;
    assert.match(base64.documentation ?? '', /base64 chunks through an SSH session/);
    assert.equal(span(base64.range), '24:15-24:16');
  });

  it('warns in a transport type\'s entry when the host lacks what it needs', () => {
    const text = fixtureText('transport-chain.yaml');
    // gpu-beta: p2p_enabled false and no p2p_public_port.
    const entries = completeAfter('\n    transports:\n      - type: ', { needle: 'status: maintenance' }, text);
    assert.match(entries.find((e) => e.label === 'p2p')!.documentation ?? '', /p2p_enabled: false/);
    assert.match(entries.find((e) => e.label === 'http')!.detail ?? '', /no p2p_public_port/);
    assert.equal(entries.find((e) => e.label === 'rsync')!.detail, 'transport');
  });

  it('offers host fields the host does not have yet, with their docs and defaults', () => {
    const entries = completeAfter('\n    ss', { needle: 'status: maintenance' });
    const names = labels(entries);
    assert.ok(!names.includes('ssh_host') && !names.includes('p2p_enabled') && !names.includes('status'), names.join());
    const port = entries.find((e) => e.label === 'ssh_port')!;
    assert.equal(port.insertText, 'ssh_port: ${1:22}');
    assert.match(port.documentation ?? '', /Default: `22`/);
    assert.ok(names.includes('transports (default chain)'));
  });

  it('writes out the host\'s own default chain as a transports: snippet', () => {
    const entries = completeAfter('\n    ', { needle: 'status: maintenance' });
    const snippet = entries.find((e) => e.label === 'transports (default chain)')!;
    // gpu-beta has p2p_enabled: false and no p2p_public_port: rsync then base64.
    assert.equal(snippet.insertText, 'transports:\n  - type: rsync\n    priority: 1\n  - type: base64\n    priority: 2\n    last_resort: true\n');
  });

  it('gives priority the next free number', () => {
    const entries = completeAfter('\n      - type: http\n        priority: ', { needle: 'last_resort: true' });
    assert.deepEqual(labels(entries), ['4']);
    const keys = completeAfter('\n      - type: http\n        ', { needle: 'last_resort: true' });
    assert.deepEqual(labels(keys), ['priority', 'fallback', 'last_resort']);
    assert.equal(keys[0].insertText, 'priority: ${1:4}');
  });

  it("offers RingRift's fields with their defaults, and archived among the statuses", () => {
    const entries = completeAfter('\n    ', { needle: 'status: maintenance' });
    const port = entries.find((e) => e.label === 'data_server_port')!;
    assert.equal(port.insertText, 'data_server_port: ${1:8766}');
    for (const field of ['force_relay_mode', 'skip_sync_receive', 'is_ephemeral']) assert.ok(entries.some((e) => e.label === field), field);
    assert.ok(labels(completeAfter('', { needle: 'status: ', nth: 0 })).includes('archived'));
  });

  it('offers the booleans for fallback and last_resort, and the statuses for status', () => {
    assert.deepEqual(labels(completeAfter('\n        fallback: ', { needle: 'priority: 1' })), ['true', 'false']);
    assert.deepEqual(labels(completeAfter('', { needle: 'status: ', nth: 0 })).slice(0, 3), ['ready', 'disabled', 'maintenance']);
  });

  it('offers host names where a host is named, leaving out those already listed', () => {
    assert.deepEqual(labels(completeAfter('\n  - ', { needle: '  - gpu-alpha' })), ['gpu-beta']);
    assert.deepEqual(labels(completeAfter('\n    - g', { needle: '    - gpu-beta' })), ['gpu-alpha']);
    assert.deepEqual(labels(completeAfter('', { needle: 'coordinator: ' })), ['gpu-alpha', 'gpu-beta']);
  });

  it('offers a new-host snippet at the hosts\' indentation, and missing sections at the top level', () => {
    const host = completeAfter('\n  ', { needle: 'status: maintenance' });
    assert.deepEqual(labels(host), ['new host']);
    assert.match(host[0].insertText, /^\$\{1:new-host\}:\n  ssh_host: /);
    const top = labels(completeAfter('\n', { needle: 'status: maintenance' }));
    assert.ok(top.includes('auto_sync') && !top.includes('hosts') && !top.includes('p2p_voters'), top.join());
  });

  it('offers a transport step on a new line of a transports list', () => {
    const entries = completeAfter('\n      ', { needle: 'last_resort: true' });
    assert.deepEqual(labels(entries), ['- type: …']);
    assert.match(entries[0].insertText, /priority: \$\{2:4\}/);
  });

  it('completes in both real cluster files', () => {
    for (const file of REAL_FILES) {
      const text = fs.readFileSync(file, 'utf8');
      const at = positionOf(text, 'role: coordinator');
      const edit = typed(text, at, '\n    transports:\n      - type: r');
      assert.deepEqual(labels(completionsAt(documentOf(edit.text), edit.cursor)), ['p2p', 'http', 'rsync', 'ssh', 'base64'], file);
      const voter = typed(text, positionOf(text, 'p2p_voters:'), '\n  - ');
      const names = labels(completionsAt(documentOf(voter.text), voter.cursor));
      // Every host not yet a voter (the files list 5 and 7 voters).
      assert.ok(names.length >= 25 && names.includes('mac-studio') === !text.includes('  - mac-studio\n'), `${file}: ${names.length}: ${names.slice(0, 5).join()}`);
    }
  });
});
