import { strict as assert } from 'node:assert';
import type { UnknownHostKeyInfo } from '../../../../src/core/transports/transport';
import { corePrompts, type Ui } from '../../../../src/extension/ui/ui';

const KEY: UnknownHostKeyInfo = { node: 'gpu-1', host: '10.0.0.1', port: 22, keyType: 'ssh-ed25519', fingerprint: 'SHA256:abc', knownHostsFile: '/kh' };

/** A Ui whose host-key and passphrase prompts answer from queues and record each question. */
function fakeUi(hostKeyAnswers: Array<'once' | 'always' | 'reject'>, passphrases: Array<string | undefined> = []) {
  const asked: string[] = [];
  let open = 0;
  let maxOpen = 0;
  const ui = {
    askHostKey: async (info: UnknownHostKeyInfo) => {
      open++;
      maxOpen = Math.max(maxOpen, open);
      asked.push(`key ${info.node} ${info.fingerprint}`);
      await new Promise((r) => setTimeout(r, 5));
      open--;
      return hostKeyAnswers.shift() ?? 'reject';
    },
    askPassphrase: async (keyPath: string, again: boolean) => (asked.push(`pass ${keyPath}${again ? ' again' : ''}`), passphrases.shift()),
  } as unknown as Ui;
  return { ui, asked, maxOpen: () => maxOpen };
}

describe('corePrompts (the core callbacks over the Ui)', () => {
  it('asks one host-key question at a time, even when transports ask at once', async () => {
    const f = fakeUi(['reject', 'reject', 'reject']);
    const p = corePrompts(() => f.ui, () => true);
    await Promise.all([p.onUnknownHostKey(KEY), p.onUnknownHostKey({ ...KEY, host: 'b' }), p.onUnknownHostKey({ ...KEY, host: 'c' })]);
    assert.equal(f.maxOpen(), 1);
    assert.equal(f.asked.length, 3);
  });

  it('"accept once" covers the other transports of the same command run, then expires', async () => {
    const f = fakeUi(['once', 'reject']);
    const p = corePrompts(() => f.ui, () => true);
    assert.deepEqual(await Promise.all([p.onUnknownHostKey(KEY), p.onUnknownHostKey(KEY)]), ['once', 'once']);
    assert.equal(f.asked.length, 1);
    p.forgetOnceDecisions();
    assert.equal(await p.onUnknownHostKey(KEY), 'reject');
    assert.equal(f.asked.length, 2);
  });

  it('never reuses an answer for a different key of the same host', async () => {
    const f = fakeUi(['once', 'reject']);
    const p = corePrompts(() => f.ui, () => true);
    await p.onUnknownHostKey(KEY);
    assert.equal(await p.onUnknownHostKey({ ...KEY, fingerprint: 'SHA256:other' }), 'reject');
  });

  it('asks for a passphrase again after a wrong one, and keeps the right one for the session', async () => {
    const f = fakeUi([], ['typo', 'right']);
    const p = corePrompts(() => f.ui, (_k, pass) => pass === 'right');
    assert.equal(await p.onPassphrase('/k/id'), 'right');
    assert.equal(await p.onPassphrase('/k/id'), 'right');
    assert.deepEqual(f.asked, ['pass /k/id', 'pass /k/id again']);
  });

  it('gives up after three wrong passphrases, and does not remember a cancelled prompt', async () => {
    const f = fakeUi([], ['a', 'b', 'c', undefined, 'right']);
    const p = corePrompts(() => f.ui, (_k, pass) => pass === 'right');
    assert.equal(await p.onPassphrase('/k/id'), undefined);
    await new Promise((r) => setImmediate(r));
    assert.equal(await p.onPassphrase('/k/id'), undefined, 'cancelled');
    await new Promise((r) => setImmediate(r));
    assert.equal(await p.onPassphrase('/k/id'), 'right');
    assert.equal(f.asked.length, 5);
  });
});
