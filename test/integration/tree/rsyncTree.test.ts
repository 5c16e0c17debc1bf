import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadHostsFile } from '../../../src/core/hosts';
import { openSession, type ClusterSession } from '../../../src/core/session';
import { syncTree, type TreeSyncResult } from '../../../src/core/tree/syncTree';
import type { ProbeResult } from '../../../src/core/transports/transport';
import { startCluster, type TestCluster } from '../harness/cluster';

/**
 * What the tree rsync rung costs the node, read from its sshd's log (LogLevel VERBOSE): logins and
 * the shells they run. The rung's own login goes up while its probe runs and serves the directories,
 * rsync and the check; an unchanged tree runs no check.
 */
describe('core/tree rsync rung: logins and sessions on a real loopback node', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let session: ClusterSession;
  let tree: string;
  let log = '';
  const signal = new AbortController().signal;
  const count = (re: RegExp) => (log.match(new RegExp(re.source, 'gm')) ?? []).length;
  const logins = () => count(/^Accepted publickey for /);
  const sessions = () => count(/^Starting session: command /);
  // A connection's last line: the client's clean disconnect (OpenSSH), or sshd closing it (ssh2).
  const closed = () => count(/^(Disconnected from user|Closing connection to) /);

  before(async () => {
    cluster = await startCluster([{ name: 'n', agent: false, logLevel: 'VERBOSE' }]);
    cluster.node('n').sshdProc!.child.stderr!.on('data', (b: Buffer) => (log += b.toString()));
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

  /** The rsync probe as it is, ending 1 s late (after `then` saw how many logins the node had by then). */
  function slowProbe(then: (r: ProbeResult) => ProbeResult) {
    const rsync = session.router.deps.transports.rsync;
    const probe = rsync.probe.bind(rsync);
    rsync.probe = async (node, sig, round) => {
      const r = await probe(node, sig, round);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return then(r);
    };
    return () => void (rsync.probe = probe);
  }

  async function sync(remote: string): Promise<TreeSyncResult> {
    const out = await syncTree(session, session.nodes, tree, remote, { signal, forceTransport: 'rsync' });
    assert.equal(out.kind, 'synced');
    return out.kind === 'synced' ? out.results[0] : (undefined as never);
  }

  it('logs in twice at once (the probe, and the rung beside it) and runs four shells; an unchanged tree runs three, checking nothing', async () => {
    const before = { logins: logins(), sessions: sessions() };
    let atProbeEnd = 0;
    const restore = slowProbe((r) => ((atProbeEnd = logins()), r));
    try {
      const first = await sync('data/a');
      assert.ok(first.success, first.message);
      assert.equal(first.files.sent, 30);
      assert.equal(atProbeEnd - before.logins, 2, 'the rung was logged in before its probe ended');
      // The probe's `rsync --version`, the directories, rsync, the check; the rung's login runs none.
      assert.deepEqual({ logins: logins() - before.logins, sessions: sessions() - before.sessions }, { logins: 2, sessions: 4 });
    } finally {
      restore();
    }
    const mid = { logins: logins(), sessions: sessions() };
    const again = await sync('data/a');
    assert.ok(again.success, again.message);
    assert.deepEqual([again.files.sent, again.files.skipped, again.bytesSent], [0, 30, 0]);
    assert.deepEqual({ logins: logins() - mid.logins, sessions: sessions() - mid.sessions }, { logins: 2, sessions: 3 });
  });

  it('a probe that fails after the walk reached the rung: the login made for its push is closed, nothing is sent', async () => {
    const before = { logins: logins(), closed: closed() };
    const restore = slowProbe((r) => ({ ...r, success: false, message: 'rsync: refused by the test', code: 'refused' }));
    try {
      const r = await sync('data/b');
      assert.ok(!r.success);
      assert.match(r.message, /refused by the test/);
    } finally {
      restore();
    }
    for (let i = 0; i < 50 && closed() - before.closed < 2; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual({ logins: logins() - before.logins, closed: closed() - before.closed }, { logins: 2, closed: 2 });
    assert.ok(!fs.existsSync(cluster.node('n').file('data/b')));
  });
});
