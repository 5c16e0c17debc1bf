import { strict as assert } from 'node:assert';
import { deadline, withDeadline } from '../../../src/core/deadline';

/** The bound of a step: its own timer, or the caller's cancel, whichever comes first. */
describe('deadline', () => {
  it('aborts with a TimeoutError once its time is up, and keeps firing whatever else is allocated meanwhile', async () => {
    const d = deadline(new AbortController().signal, 30);
    let garbage: unknown[] = [];
    for (let i = 0; i < 2e5; i++) garbage.push({ i });
    garbage = [];
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(d.signal.aborted, true);
    assert.equal((d.signal.reason as DOMException).name, 'TimeoutError');
    d.dispose();
  });

  it("follows the caller's cancel, with the caller's reason, also when it was cancelled already", () => {
    const caller = new AbortController();
    const d = deadline(caller.signal, 60_000);
    caller.abort('stop');
    assert.deepEqual([d.signal.aborted, d.signal.reason], [true, 'stop']);
    d.dispose();
    const early = deadline(AbortSignal.abort('gone'), 60_000);
    assert.deepEqual([early.signal.aborted, early.signal.reason], [true, 'gone']);
    early.dispose();
  });

  it('withDeadline disposes the bound however the step ends: a late timer aborts nothing', async () => {
    let seen: AbortSignal | undefined;
    await assert.rejects(withDeadline(new AbortController().signal, 20, async (s) => {
      seen = s;
      throw new Error('step failed');
    }), /step failed/);
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(seen!.aborted, false, 'the disposed timer did not fire');
  });
});
