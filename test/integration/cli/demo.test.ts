import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { promisify } from 'node:util';
import { CLI_JS, ensureBuilt } from '../harness/cluster';

const run = promisify(execFile);

/** README's first command: the demo shows every path of the runbook and exits 0 with --once. */
describe('ringrift-sync demo --once', function () {
  this.timeout(120000);
  before(() => ensureBuilt());

  it('ends each node on its expected transport, disables the dead one, skips the one in maintenance, and cleans up', async () => {
    const { stdout, stderr } = await run(process.execPath, [CLI_JS, 'demo', '--once', '--json']);
    const out = JSON.parse(stdout);
    assert.equal(out.sshKind, 'openssh', stderr);
    const got = Object.fromEntries(
      out.results.map((r: { node: string; success: boolean; transportUsed: string | null; disabled: boolean }) => [
        r.node,
        r.success ? r.transportUsed : r.disabled ? 'disabled' : 'not synced',
      ]),
    );
    assert.deepEqual(got, {
      'gpu-healthy': 'p2p',
      'gpu-agent-down': 'rsync',
      'gpu-base64-only': 'base64',
      'gpu-nat-blocked': 'http',
      'gpu-dead': 'disabled',
      'cpu-maintenance': 'not synced',
    });
    assert.deepEqual(got, out.expected);
    assert.equal(fs.existsSync(out.dir), false, 'the temporary demo directory is removed');
  });

  it('prints the escalation table for a human', async () => {
    const { stdout } = await run(process.execPath, [CLI_JS, 'demo', '--once']);
    assert.match(stdout, /gpu-agent-down\s+ok\s+rsync\s+p2p✗ → rsync/);
    assert.match(stdout, /gpu-dead\s+DISABLED/);
    assert.match(stdout, /cpu-maintenance\s+SKIPPED/);
  });
});
