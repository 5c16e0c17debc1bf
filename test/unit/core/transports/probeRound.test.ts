import { strict as assert } from 'node:assert';
import { fail, ok } from '../../../../src/core/result';
import type { SshSession } from '../../../../src/core/ssh/session';
import { ProbeRound, pushLogin, type SshLogin } from '../../../../src/core/transports/probeRound';

/** A session that only records whether it was closed. */
function session(label: string): SshSession & { closed: boolean } {
  return { label, rttMs: 40, closed: false, exec: () => Promise.resolve(fail('ssh_error', 'not used')), close() { this.closed = true; } };
}

describe('core/transports/probeRound: the push\'s login', () => {
  const never = new AbortController().signal;
  const opening = (s: SshSession) => {
    const calls: string[] = [];
    return { calls, open: (): SshLogin => (calls.push('login'), Promise.resolve(ok(s))) };
  };

  it('runs on the round\'s open login, keeps it open after a good push, and logs in on its own for nothing', async () => {
    const probed = session('probe');
    const round = new ProbeRound(never);
    await round.ssh(() => Promise.resolve(ok(probed)));
    const own = opening(session('own'));
    const login = await pushLogin(round, own.open);
    assert.ok(login.ok);
    assert.equal(login.value.session, probed);
    assert.deepEqual(own.calls, []);
    login.value.release(true);
    assert.equal(probed.closed, false, 'the round closes it, later');
    round.close();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(probed.closed, true);
  });

  it('closes a borrowed login after a failed push: the next push must not inherit what may have broken', async () => {
    const probed = session('probe');
    const round = new ProbeRound(never);
    await round.ssh(() => Promise.resolve(ok(probed)));
    const first = await pushLogin(round, opening(session('own')).open);
    assert.ok(first.ok);
    first.value.release(false);
    assert.equal(probed.closed, true);
    const fresh = session('fresh');
    const next = await pushLogin(round, opening(fresh).open);
    assert.ok(next.ok);
    assert.equal(next.value.session, fresh, 'a closed round login is not lent again');
  });

  it('logs in on its own without a round, when the round made no login, or when its login failed; and closes its own', async () => {
    const failedRound = new ProbeRound(never);
    await failedRound.ssh(() => Promise.resolve(fail('refused', 'no sshd')));
    for (const round of [undefined, new ProbeRound(never), failedRound]) {
      const mine = session('own');
      const own = opening(mine);
      const login = await pushLogin(round, own.open);
      assert.ok(login.ok);
      assert.equal(login.value.session, mine);
      assert.deepEqual(own.calls, ['login']);
      login.value.release(true);
      assert.equal(mine.closed, true, 'its own login is the push\'s to close');
    }
  });
});
