import { strict as assert } from 'node:assert';
import { Writable } from 'node:stream';
import { fail, ok, type Result } from '../../../../../src/core/result';
import type { ExecOptions, ExecResult, SshSession } from '../../../../../src/core/ssh/session';
import type { SshErrorCode } from '../../../../../src/core/ssh/sshErrors';
import { FinishExec } from '../../../../../src/core/transports/sshRanges/finishExec';

const MiB = 1 << 20;
const SHA = 'a'.repeat(64);

/** One finish command: records its stdin; answers `answer` once stdin ends with a commit (or '' without), unless it hangs. */
class FakeFinishNode implements SshSession {
  readonly label = 'fake';
  readonly closed = false;
  readonly rttMs = 0;
  stdin = '';
  ended = false;

  constructor(private readonly answer: string | 'hang' = 'ok\n') {}

  close(): void {}

  exec(_command: string, opts: ExecOptions): Promise<Result<ExecResult, SshErrorCode>> {
    return new Promise((resolve) => {
      opts.signal.addEventListener('abort', () => resolve(fail('cancelled', 'fake: cancelled')), { once: true });
      const w = new Writable({ write: (chunk: Buffer, _enc, cb) => ((this.stdin += chunk.toString()), cb()) });
      w.on('finish', () => {
        this.ended = true;
        if (this.answer === 'hang') return;
        resolve(ok({ code: 0, stdout: this.stdin.includes('commit ') ? this.answer : '', stderr: '' }));
      });
      // The shell starts a little later: lines written before then must still come, in order.
      setTimeout(() => opts.onStdin!(w), 20);
    });
  }
}

const range = (startMiB: number, endMiB: number) => ({ start: startMiB * MiB, end: endMiB * MiB });

describe('core/transports/sshRanges/finishExec', () => {
  it('sends the verified prefix end each time it grows (kept ranges first, then out-of-order landings), then the commit', async () => {
    const node = new FakeFinishNode();
    const f = new FinishExec(node, 'finish', [range(0, 1), range(3, 4)], new AbortController().signal);
    f.landed(range(2, 3)); // after a gap: the prefix stays at 1 MiB
    f.landed(range(1, 2)); // joins 0-4 MiB
    f.landed(range(4, 5));
    const r = await f.commit(SHA, 5000);
    assert.ok(r.ok && r.value.stdout === 'ok\n');
    assert.equal(node.stdin, `${MiB}\n${4 * MiB}\n${5 * MiB}\nend\ncommit ${SHA}\n`);
  });

  it('nothing verified from 0 yet: no prefix line before the first range from 0', async () => {
    const node = new FakeFinishNode();
    const f = new FinishExec(node, 'finish', [], new AbortController().signal);
    f.landed(range(1, 2));
    f.landed(range(0, 1));
    await f.commit(SHA, 5000);
    assert.equal(node.stdin, `${2 * MiB}\nend\ncommit ${SHA}\n`);
  });

  it('closed without a commit (the push failed or stopped): stdin ends with no commit line', async () => {
    const node = new FakeFinishNode();
    const f = new FinishExec(node, 'finish', [range(0, 1)], new AbortController().signal);
    f.close();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(node.ended, true);
    assert.equal(node.stdin, `${MiB}\n`);
  });

  it('a node that does not answer the commit within the bound reads as a timeout; a cancel stays a cancel', async () => {
    const f = new FinishExec(new FakeFinishNode('hang'), 'finish', [], new AbortController().signal);
    const r = await f.commit(SHA, 100);
    assert.equal(!r.ok && r.code, 'timeout');
    const ac = new AbortController();
    const g = new FinishExec(new FakeFinishNode('hang'), 'finish', [], ac.signal);
    setTimeout(() => ac.abort(), 30);
    const c = await g.commit(SHA, 5000);
    assert.equal(!c.ok && c.code, 'cancelled');
  });
});
