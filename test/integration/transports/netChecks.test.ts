import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import { startCluster, type TestCluster } from '../harness/cluster';
import { freePort, startSilentServer } from '../harness/processes';
import { bannerCheck, tcpCheck } from '../../../src/core/transports/netChecks';

/** The runbook's nc -zv and "does sshd answer" checks against real listeners on loopback. */
describe('netChecks on loopback', function () {
  this.timeout(30000);
  let cluster: TestCluster;
  before(async () => {
    cluster = await startCluster([{ name: 'alpha', agent: false }]);
  });
  after(async () => cluster?.stop());

  it('finds a real sshd open, and hears its SSH banner', async () => {
    const n = cluster.node('alpha');
    const tcp = await tcpCheck(n.address, n.sshPort, 2000);
    assert.equal(tcp.outcome, 'open');
    assert.equal(tcp.open, true);
    const banner = await bannerCheck(n.address, n.sshPort, 2000);
    assert.equal(banner.spoke, true);
    assert.match(banner.banner ?? '', /^SSH-2\.0-OpenSSH/);
  });

  it('reports a closed port as refused, quickly', async () => {
    const address = cluster.node('alpha').address;
    const port = await freePort(address);
    const r = await tcpCheck(address, port, 2000);
    assert.equal(r.outcome, 'refused');
    assert.equal(r.open, false);
    assert.ok(r.latencyMs < 1000);
    assert.equal((await bannerCheck(address, port, 2000)).outcome, 'refused');
  });

  it('tells "accepts but silent" from a live service, within the bound', async () => {
    const address = cluster.node('alpha').address;
    const silent = await startSilentServer(address);
    try {
      assert.equal((await tcpCheck(address, silent.port, 1000)).outcome, 'open');
      const r = await bannerCheck(address, silent.port, 800);
      assert.equal(r.open, true);
      assert.equal(r.spoke, false);
      assert.match(r.message, /TCP accepted, but no banner within 800 ms/);
      assert.ok(r.latencyMs >= 700 && r.latencyMs < 3000, `bounded: ${r.latencyMs} ms`);
    } finally {
      await silent.close();
    }
  });

  it('times out when SYNs go unanswered (a full accept queue drops them)', async () => {
    // A listener whose event loop is blocked never accepts: once its backlog is full the kernel
    // drops further SYNs, as a firewall would.
    const address = cluster.node('alpha').address;
    const child: ChildProcess = spawn(process.execPath, ['-e', `
      const srv = require('net').createServer();
      srv.listen({ host: '${address}', port: 0, backlog: 1 }, () => {
        console.log(srv.address().port);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 15000);
      });`], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const port = await new Promise<number>((resolve) => child.stdout!.once('data', (b) => resolve(Number(String(b).trim()))));
      const fillers: net.Socket[] = [];
      for (let i = 0; i < 4; i++) fillers.push(net.connect({ host: address, port }).on('error', () => undefined));
      await new Promise((r) => setTimeout(r, 300));
      const r = await tcpCheck(address, port, 700);
      fillers.forEach((s) => s.destroy());
      assert.equal(r.outcome, 'timeout', r.message);
      assert.ok(r.latencyMs >= 600 && r.latencyMs < 3000);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('stops when cancelled', async () => {
    const address = cluster.node('alpha').address;
    const silent = await startSilentServer(address);
    try {
      const ctl = new AbortController();
      setTimeout(() => ctl.abort(), 100);
      const r = await bannerCheck(address, silent.port, 10000, ctl.signal);
      assert.equal(r.outcome, 'cancelled');
      assert.ok(r.latencyMs < 2000);
    } finally {
      await silent.close();
    }
  });
});
