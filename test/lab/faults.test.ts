import { strict as assert } from 'node:assert';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { startLab, type Lab } from './lab';
import { CLIENT_ADDR, ROUTER_CLIENT_ADDR } from './namespaces';
import { tryConnect } from './measure';
import { parseProfile } from './profiles';

const MiB = 1024 * 1024;
const execFileAsync = promisify(execFile);

/** Port faults, per-flow resets and NAT, each shown by what a client really sees. */
describe('network lab: port faults, resets, NAT', function () {
  this.timeout(90000);
  let lab: Lab;

  before(async () => {
    lab = await startLab({
      nodes: ['ok', 'refusing', 'firewalled', 'resetting', 'natted'],
      profile: {
        refusing: parseProfile('agent-refused'),
        firewalled: parseProfile('agent-firewalled'),
        resetting: parseProfile('resets-16m'),
        natted: parseProfile('nat'),
      },
    });
  });
  const log: string[] = [];
  after(async () => {
    console.log(`      measured: ${log.join('; ')}`);
    await lab?.stop();
  });

  const addr = (name: string) => lab.node(name).address;
  const ssh = (name: string, cmd: string) => execFileSync('ssh', [...lab.sshOptions(), lab.sshTarget(name), cmd], { encoding: 'utf8' });

  it('REJECT on 8770: the agent port refuses at once while ssh on :22 works', async () => {
    const agent = await tryConnect(addr('refusing'), 8770, 2000);
    log.push(`REJECT refused in ${agent.ms.toFixed(1)} ms`);
    assert.equal(agent.result, 'refused');
    assert.ok(agent.ms < 500, `refused after ${agent.ms} ms`);
    assert.equal(ssh('refusing', 'echo up').trim(), 'up');
  });

  it('SYN drop on 8770: the connect never completes within 2 s while :22 connects', async () => {
    assert.equal((await tryConnect(addr('firewalled'), 8770, 2000)).result, 'timeout');
    assert.equal((await tryConnect(addr('firewalled'), 22, 2000)).result, 'connected');
  });

  it("reset after 16 MiB: a 64 MiB `ssh 'cat > f'` is reset near 16 MiB, and a new connection works", () => {
    const big = `${lab.dir}/64m.bin`;
    fs.writeFileSync(big, Buffer.alloc(64 * MiB, 0x42));
    const target = `${lab.node('resetting').root}/big.bin`;
    const fd = fs.openSync(big, 'r');
    const push = spawnSync('ssh', [...lab.sshOptions(), lab.sshTarget('resetting'), `cat > ${target}`], { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8', timeout: 30000 });
    fs.closeSync(fd);
    assert.notEqual(push.status, 0, 'the push should fail');
    assert.match(push.stderr, /reset|broken pipe|closed/i);
    const landed = fs.statSync(target).size;
    log.push(`reset after 16 MiB: ${(landed / MiB).toFixed(1)} MiB landed (${push.stderr.trim().split('\n').pop()})`);
    assert.ok(landed > 8 * MiB && landed < 16 * MiB, `landed ${(landed / MiB).toFixed(1)} MiB before the reset`);
    assert.equal(ssh('resetting', 'echo again').trim(), 'again');
  });

  it('NAT: nothing reaches the node, but it connects out (masqueraded) to the client and to another node', async () => {
    for (const port of [22, 8770]) assert.equal((await tryConnect(addr('natted'), port, 2000)).result, 'timeout', `port ${port}`);
    const srv = http.createServer((req, res) => res.end(req.socket.remoteAddress));
    await new Promise<void>((resolve) => srv.listen(0, CLIENT_ADDR, resolve));
    try {
      const url = `http://${CLIENT_ADDR}:${(srv.address() as AddressInfo).port}/`;
      const seen = await curlFrom(lab.node('natted').ns, url);
      assert.equal(seen, ROUTER_CLIENT_ADDR, 'the client sees the router, not the node');
      assert.match(await curlFrom(lab.node('natted').ns, `http://${addr('ok')}:8770/health`), /"node":"ok"/);
    } finally {
      srv.close();
    }
  });

  it('changes a profile live: clearing it opens the refused port', async () => {
    await lab.setProfile('refusing', []);
    assert.equal((await tryConnect(addr('refusing'), 8770, 2000)).result, 'connected');
  });
});

/** curl run inside a namespace; async so this process keeps serving meanwhile. */
async function curlFrom(ns: string, url: string): Promise<string> {
  return (await execFileAsync('ip', ['netns', 'exec', ns, 'curl', '-sS', '--max-time', '5', url], { encoding: 'utf8' })).stdout;
}
