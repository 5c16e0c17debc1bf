import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diagnoseNodes } from '../../../src/core/doctor';
import { loadHostsFile } from '../../../src/core/hosts';
import { openSession } from '../../../src/core/session';
import { STALL_AFTER_BYTES_ENV } from '../../../src/agent/config';
import { CLI_JS, startCluster, type TestCluster } from '../harness/cluster';
import { startProcess, waitForPort, type Started } from '../harness/processes';

/**
 * transfer_timeout from a real stall: the node's agent answers /health but stores no byte of a
 * PUT and never answers (its test fault switch); a real push over p2p stalls and is recorded by the router;
 * then doctor, reading that history while every probe passes, names the stall.
 */
describe('doctor: a push that really stalled -> transfer_timeout (loopback)', function () {
  this.timeout(60000);
  let cluster: TestCluster;
  let agent: Started | undefined;

  before(async () => {
    cluster = await startCluster([{ name: 'stalls', agent: false }]);
    const n = cluster.nodes[0];
    agent = startProcess(process.execPath, [CLI_JS, 'agent', '--port', String(n.agentPort), '--root', n.root, '--bind', n.address, '--name', n.name], {
      // Stores nothing at all: a try that moves the partial forward is resumed, not a stall.
      env: { ...process.env, [STALL_AFTER_BYTES_ENV]: '0' },
    });
    await waitForPort(n.address, n.agentPort, 5000, 'stalling agent');
  });
  after(async () => {
    await agent?.stop();
    await cluster?.stop();
  });

  it('names transfer_timeout on p2p from the recorded push, with the fix to prefer rsync', async () => {
    const loaded = await loadHostsFile(cluster.writeHostsFile());
    assert.ok(loaded.ok);
    const session = openSession({
      hosts: loaded.value,
      env: { ...process.env, HOME: cluster.dir, SSH_AUTH_SOCK: '' },
      stateDir: path.join(cluster.dir, 'state'),
      knownHostsFile: cluster.knownHostsFile,
      transport: { idleTimeoutMs: 1500, probeTimeoutMs: 20000 },
    });
    const [node] = session.nodes;
    const payload = path.join(cluster.dir, 'big.bin');
    fs.writeFileSync(payload, Buffer.alloc(1024 * 1024, 1));
    const signal = new AbortController().signal;
    const pushed = await session.router.sync(node, { localPath: payload, remotePath: 'big.bin' }, { forceTransport: 'p2p', signal });
    assert.equal(pushed.success, false, 'the push stalls');

    const report = await diagnoseNodes([node], { transports: session.connectivity.transports, transportOptions: session.transportOptions, readState: () => session.store.read() },
      { concurrency: 1, signal, neededBytes: 1024 * 1024 });
    const causes = report.nodes[0].causes;
    assert.deepEqual(causes.map((c) => [c.transport, c.cause]), [['p2p', 'transfer_timeout']], JSON.stringify(causes, null, 1));
    assert.equal(causes[0].fix.command, 'ringrift-sync prefer stalls rsync && ringrift-sync reenable stalls');
    assert.ok(causes[0].evidence.tried.some((o) => o.result === 'stalled' && /no progress/.test(o.detail)));
  });
});
