import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadHostsFile } from '../../../src/core/hosts';
import { openSession, type ClusterSession } from '../../../src/core/session';
import { syncTree, type TreeSyncResult } from '../../../src/core/tree/syncTree';
import { startCluster, type TestCluster } from '../harness/cluster';
import { startSilentServer } from '../harness/processes';

/**
 * What the tree rsync rung costs the node, read from its sshd's log (LogLevel VERBOSE): logins and
 * the shells they run. One login serves the probe, the directories, rsync and the check; an
 * unchanged tree runs no check.
 */
describe('core/tree rsync rung: logins and sessions on a real loopback node', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let session: ClusterSession;
  let tree: string;
  const logs: Record<string, string> = { one: '', norsync: '' };
  const signal = new AbortController().signal;
  const count = (node: string, re: RegExp) => (logs[node].match(new RegExp(re.source, 'gm')) ?? []).length;
  // A connection's last line: the client's clean disconnect (OpenSSH), or sshd closing it (ssh2).
  const tally = (node: string) => ({
    logins: count(node, /^Accepted publickey for /),
    sessions: count(node, /^Starting session: (command|forced-command) /),
    closed: count(node, /^(Disconnected from user|Closing connection to) /),
  });
  const since = (node: string, before: ReturnType<typeof tally>) => {
    const now = tally(node);
    return { logins: now.logins - before.logins, sessions: now.sessions - before.sessions, closed: now.closed - before.closed };
  };

  before(async () => {
    const tmp = fs.mkdtempSync('/tmp/ringrift-norsync-');
    const wrapper = path.join(tmp, 'refuse-rsync.sh');
    fs.writeFileSync(wrapper, '#!/bin/sh\ncase "$SSH_ORIGINAL_COMMAND" in\n  rsync*) echo "sh: 1: rsync: not found" >&2; exit 127;;\nesac\nexec /bin/sh -c "$SSH_ORIGINAL_COMMAND"\n', { mode: 0o755 });
    cluster = await startCluster([
      { name: 'one', agent: false, logLevel: 'VERBOSE' },
      { name: 'norsync', agent: false, logLevel: 'VERBOSE', sshdConfig: [`ForceCommand ${wrapper}`] },
    ]);
    for (const name of Object.keys(logs)) cluster.node(name).sshdProc!.child.stderr!.on('data', (b: Buffer) => (logs[name] += b.toString()));
    const loaded = await loadHostsFile(cluster.writeHostsFile());
    assert.ok(loaded.ok);
    session = openSession({ hosts: loaded.value, env: { ...process.env, HOME: cluster.dir, SSH_AUTH_SOCK: '' }, stateDir: path.join(cluster.dir, 'state'), knownHostsFile: cluster.knownHostsFile });
    tree = path.join(cluster.dir, 'tree');
    for (let i = 0; i < 30; i++) {
      fs.mkdirSync(path.join(tree, `d${i % 3}`), { recursive: true });
      fs.writeFileSync(path.join(tree, `d${i % 3}`, `f${i}`), `file ${i}\n`.repeat(i + 1));
    }
  });
  after(async () => cluster?.stop());

  async function sync(node: string, remote: string): Promise<TreeSyncResult> {
    const out = await syncTree(session, session.nodes.filter((n) => n.name === node), tree, remote, { signal, forceTransport: 'rsync' });
    assert.equal(out.kind, 'synced');
    return out.kind === 'synced' ? out.results[0] : (undefined as never);
  }

  /** Until sshd has logged `closed` connections gone since `before` (it logs them as they end). */
  async function closedSince(node: string, before: ReturnType<typeof tally>, closed: number): Promise<void> {
    for (let i = 0; i < 50 && since(node, before).closed < closed; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  }

  it('one login for the probe, the directories, rsync and the check (four shells); an unchanged tree: three, no check', async () => {
    const before = tally('one');
    const first = await sync('one', 'data/a');
    assert.ok(first.success, first.message);
    assert.equal(first.files.sent, 30);
    await closedSince('one', before, 1);
    // The probe's `rsync --version`, the directories, rsync, the check; the login itself runs none.
    assert.deepEqual(since('one', before), { logins: 1, sessions: 4, closed: 1 });
    const mid = tally('one');
    const again = await sync('one', 'data/a');
    assert.ok(again.success, again.message);
    assert.deepEqual([again.files.sent, again.files.skipped, again.bytesSent], [0, 30, 0]);
    await closedSince('one', mid, 1);
    assert.deepEqual(since('one', mid), { logins: 1, sessions: 3, closed: 1 });
  });

  it('a node whose rsync is missing fails the probe over that login, names why, sends nothing, and the login is closed', async () => {
    const before = tally('norsync');
    const r = await sync('norsync', 'data/b');
    assert.ok(!r.success);
    assert.equal(r.attempts[0].code, 'remote_tool_missing');
    assert.match(r.message, /rsync/);
    await closedSince('norsync', before, 1);
    assert.deepEqual(since('norsync', before), { logins: 1, sessions: 1, closed: 1 });
    assert.ok(!fs.existsSync(cluster.node('norsync').file('data/b')));
  });

  it('a node whose SSH port accepts and never answers fails the probe within one probe bound, not the login\'s and then a second', async () => {
    const silent = await startSilentServer(cluster.node('one').address);
    try {
      const loaded = await loadHostsFile(cluster.writeHostsFile({ one: { ssh_port: silent.port } }));
      assert.ok(loaded.ok);
      const quick = openSession({
        hosts: loaded.value, env: { ...process.env, HOME: cluster.dir, SSH_AUTH_SOCK: '' }, stateDir: path.join(cluster.dir, 'state-silent'),
        knownHostsFile: cluster.knownHostsFile, transport: { probeTimeoutMs: 3000 },
      });
      const t0 = Date.now();
      const out = await syncTree(quick, quick.nodes.filter((n) => n.name === 'one'), tree, 'data/c', { signal, forceTransport: 'rsync' });
      assert.ok(out.kind === 'synced' && !out.results[0].success);
      assert.ok(['timeout', 'handshake_timeout'].includes(out.results[0].attempts[0].code ?? ''), out.results[0].message);
      assert.ok(Date.now() - t0 < 3000 + 2000, `took ${Date.now() - t0} ms`);
    } finally {
      await silent.close();
    }
  });
});
