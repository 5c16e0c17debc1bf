import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { runBounded } from '../../../../src/core/transports/boundedProcess';

/** Running (a zombie waiting for its reaper counts as gone). */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('boundedProcess', () => {
  it('collects output and the exit code', async () => {
    const chunks: string[] = [];
    const out = await runBounded('sh', ['-c', 'echo out; echo err >&2; exit 3'], { env: process.env, signal: new AbortController().signal, onStdout: (s) => chunks.push(s) }).done;
    assert.equal(out.rc, 3);
    assert.equal(out.stdout, 'out\n');
    assert.equal(out.stderr, 'err\n');
    assert.equal(chunks.join(''), 'out\n');
  });

  it('kills the whole process group at the deadline, grandchildren included', async () => {
    // The grandchild prints its pid and sleeps; a kill of the child alone would leave it running.
    const run = runBounded('sh', ['-c', 'sleep 30 & echo $!; wait'], { env: process.env, signal: new AbortController().signal, deadlineMs: 300 });
    const out = await run.done;
    assert.equal(out.timedOut, true);
    assert.equal(out.rc, null);
    const grandchild = Number(out.stdout.trim());
    assert.ok(grandchild > 0);
    for (let i = 0; i < 20 && alive(grandchild); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(alive(grandchild), false, 'grandchild killed');
    assert.ok(out.durationMs < 3000, 'bounded');
  });

  it('stops on abort, SIGKILLing a child that ignores SIGTERM', async () => {
    const ctl = new AbortController();
    const run = runBounded('sh', ['-c', "trap '' TERM; echo ready; while :; do sleep 0.1; done"], {
      env: process.env, signal: ctl.signal, onStdout: () => ctl.abort(),
    });
    const out = await run.done;
    assert.equal(out.aborted, true);
    assert.ok(out.durationMs < 3000);
  });

  it('reports a program that is not installed as a spawn error', async () => {
    const out = await runBounded('ringrift-no-such-tool', [], { env: process.env, signal: new AbortController().signal }).done;
    assert.match(out.spawnError ?? '', /ENOENT/);
    assert.equal(out.rc, null);
  });
});
