import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCluster, type TestCluster } from './cluster';

/** The harness itself: real sshd nodes on loopback that the system ssh and rsync reach with verified keys. */
describe('integration harness: loopback cluster', function () {
  this.timeout(30000);
  let cluster: TestCluster;

  before(async () => {
    cluster = await startCluster([{ name: 'alpha', agent: false }, { name: 'beta', agent: false }]);
  });
  after(async () => cluster?.stop());

  const sshArgs = (n: TestCluster['nodes'][number]) => [
    '-p', String(n.sshPort), '-i', cluster.clientKey,
    '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${cluster.knownHostsFile}`,
    '-o', 'ConnectTimeout=5',
  ];

  it('gives each node its own loopback address and an sshd that accepts our key with a verified host key', () => {
    assert.notEqual(cluster.nodes[0].address, cluster.nodes[1].address);
    for (const n of cluster.nodes) {
      assert.match(n.address, /^127\./);
      const out = execFileSync('ssh', [...sshArgs(n), `${cluster.user}@${n.address}`, 'echo ok-$((20+22))']).toString();
      assert.equal(out.trim(), 'ok-42');
    }
  });

  it('carries rsync to a node root', () => {
    const n = cluster.node('beta');
    const src = path.join(cluster.dir, 'hello.txt');
    fs.writeFileSync(src, 'hello');
    execFileSync('rsync', ['-e', `ssh ${sshArgs(n).join(' ')}`, src, `${cluster.user}@${n.address}:${n.root}/`]);
    assert.equal(fs.readFileSync(n.file('hello.txt'), 'utf8'), 'hello');
  });

  it('stops a node by its PID', async () => {
    const n = cluster.node('alpha');
    const pid = n.sshdProc!.child.pid!;
    await n.stopSshd();
    assert.throws(() => process.kill(pid, 0));
  });
});
