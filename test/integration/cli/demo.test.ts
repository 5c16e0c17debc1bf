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
      'gpu-tailscale-down': 'http',
      'gpu-nat-blocked': 'base64',
      'gpu-dead': 'disabled',
      'cpu-maintenance': 'not synced',
    });
    assert.deepEqual(got, out.expected);
    assert.equal(fs.existsSync(out.dir), false, 'the temporary demo directory is removed');
  });

  it('prints the escalation table for a human', async () => {
    const { stdout } = await run(process.execPath, [CLI_JS, 'demo', '--once']);
    assert.match(stdout, /gpu-agent-down\s+ok\s+rsync\s+p2p✗ → rsync/);
    assert.match(stdout, /gpu-nat-blocked\s+ok\s+base64\s+\(p2p\) → \(rsync\) → base64/);
    assert.match(stdout, /gpu-dead\s+DISABLED/);
    assert.match(stdout, /cpu-maintenance\s+SKIPPED/);
  });

  // A fresh machine: no rsync and no OpenSSH sshd. A private mount namespace hides both from the
  // demo alone (bind-mounting /dev/null over them), as scripts/fresh-check.sh does.
  it('without rsync and sshd: uses the built-in SSH server, ends the agent-down node on base64, names the missing rsync and its fix, exits 0', async () => {
    assert.equal(process.getuid?.(), 0, 'hiding rsync and sshd needs root (unshare -m and bind mounts): run the suite as root');
    const hide = 'mount --bind /dev/null /usr/bin/rsync && mount --bind /dev/null /usr/sbin/sshd && exec "$0" "$@"';
    const { stdout, stderr } = await run('unshare', ['-m', 'sh', '-c', hide, process.execPath, CLI_JS, 'demo', '--once', '--json']);
    const out = JSON.parse(stdout);
    assert.equal(out.sshKind, 'embedded');
    assert.deepEqual(out.missingTools.map((m: { tool: string }) => m.tool), ['rsync']);
    assert.match(out.missingTools[0].fix, /apt-get install rsync/);
    assert.equal(out.expected['gpu-agent-down'], 'base64');
    const byNode = Object.fromEntries(out.results.map((r: { node: string; transportUsed: string | null }) => [r.node, r.transportUsed]));
    assert.equal(byNode['gpu-agent-down'], 'base64');
    assert.equal(byNode['gpu-healthy'], 'p2p');
    assert.equal(byNode['gpu-tailscale-down'], 'http');
    assert.equal(byNode['gpu-nat-blocked'], 'base64');
    assert.match(stderr, /OpenSSH sshd is not installed/);
    assert.match(stderr, /rsync is not installed on this machine.*Fix: apt-get install rsync/);
  });
});
