import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { startLab, type Lab } from './lab';
import { CLIENT_IF, LAB_NET, ROUTER_NS, labNamespaces } from './namespaces';
import { isRunning } from './processes';
import { run, tryRun } from './sh';

/** The lab itself: namespaces behind a router, real sshd and agent per node, nothing leaves, clean teardown. */
describe('network lab: namespaces, router, nodes', function () {
  this.timeout(60000);
  let lab: Lab;
  const stalePid: { pid?: number } = {};

  before(async () => {
    // What a crashed run leaves: a lab namespace with a process inside.
    tryRun('ip', ['netns', 'add', 'rrlab-stale']);
    const sleeper = spawn('ip', ['netns', 'exec', 'rrlab-stale', 'sleep', '600'], { detached: true, stdio: 'ignore' });
    sleeper.unref();
    stalePid.pid = sleeper.pid;
    lab = await startLab({ nodes: 2 });
  });
  after(async () => lab?.stop());

  const ssh = (name: string, cmd: string) => execFileSync('ssh', [...lab.sshOptions(), lab.sshTarget(name), cmd], { encoding: 'utf8' });

  it('cleans a lab left by a crashed run (its rrlab namespaces and the processes in them)', () => {
    assert.ok(!labNamespaces().includes('rrlab-stale'), 'rrlab-stale should be gone');
    assert.throws(() => process.kill(stalePid.pid!, 0), 'the process inside it should be killed');
  });

  it('gives each node its own namespace and address, reached through the router with a verified host key', () => {
    for (const n of lab.nodes) {
      assert.equal(ssh(n.name, 'hostname -I').trim(), n.address);
      assert.match(run('ip', ['netns', 'identify', String(lab.state.nodes[n.index - 1].sshd!.pid)]), new RegExp(`^${n.ns}$`, 'm'));
    }
    assert.match(run('ip', ['route', 'get', lab.nodes[0].address]), new RegExp(`via 10\\.203\\.0\\.2 dev ${CLIENT_IF}`));
  });

  it('runs the agent on :8770 of every node', async () => {
    for (const n of lab.nodes) {
      const health = (await (await fetch(`http://${n.address}:8770/health`)).json()) as { node: string };
      assert.equal(health.node, n.name);
    }
  });

  it('carries rsync over ssh to a node root', () => {
    const src = `${lab.dir}/hello.txt`;
    fs.writeFileSync(src, 'hello lab');
    const n = lab.node('n2');
    execFileSync('rsync', ['-e', `ssh ${lab.sshOptions().join(' ')}`, src, `${lab.sshTarget('n2')}:${n.root}/`]);
    assert.equal(fs.readFileSync(`${n.root}/hello.txt`, 'utf8'), 'hello lab');
  });

  it('gives no namespace a default route, and guards 10.203/16 in the root namespace', () => {
    for (const ns of [ROUTER_NS, ...lab.nodes.map((n) => n.ns)]) {
      assert.equal(run('ip', ['-n', ns, 'route', 'show', 'default']).trim(), '', `${ns} has a default route`);
    }
    assert.match(run('ip', ['route', 'show', LAB_NET]), /unreachable 10\.203\.0\.0\/16 metric 4000/);
  });

  it("runs the nodes' sshd and agent with the CUBIC shim (the peers' senders)", async () => {
    const n = lab.node('n1');
    const session = spawn('ssh', [...lab.sshOptions(), lab.sshTarget('n1'), 'sleep 5'], { stdio: 'ignore' });
    try {
      await (await fetch(`http://${n.address}:8770/health`)).text(); // fetch keeps the connection open
      let sockets: { local: string; cc: string }[] = [];
      for (let t = 0; t < 50 && !sockets.some((s) => s.local.endsWith(':22')); t++) {
        await new Promise((r) => setTimeout(r, 100));
        sockets = ssSockets(run('ip', ['netns', 'exec', n.ns, 'ss', '-tinH', 'state', 'established']));
      }
      const served = sockets.filter((s) => /:(22|8770)$/.test(s.local));
      assert.deepEqual(served.map((s) => s.local.split(':')[1]).sort(), ['22', '8770']);
      for (const s of served) assert.equal(s.cc, 'cubic', `${s.local} sends with ${s.cc}`);
    } finally {
      session.kill();
    }
  });

  it('stops only what it started and deletes only its own names', async () => {
    tryRun('ip', ['netns', 'add', 'rrdecoy-lab']);
    const procs = lab.state.nodes.flatMap((n) => [n.sshd!, n.agent!]);
    try {
      await lab.stop();
      assert.deepEqual(labNamespaces(), []);
      assert.ok(!tryRun('ip', ['link', 'show', CLIENT_IF]), `${CLIENT_IF} should be gone`);
      assert.equal(run('ip', ['route', 'show', LAB_NET]).trim(), '', 'the guard route goes with the last lab namespace');
      for (const p of procs) assert.ok(!isRunning(p), `${p.role} still runs`);
      assert.match(run('ip', ['netns', 'list']), /^rrdecoy-lab\b/m, 'a namespace the lab did not make stays');
    } finally {
      tryRun('ip', ['netns', 'del', 'rrdecoy-lab']);
    }
  });
});

/** `ss -tinH` output as one entry per socket: its local address and congestion control. */
function ssSockets(out: string): { local: string; cc: string }[] {
  const entries: { local: string; cc: string }[] = [];
  for (const line of out.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (/^\d/.test(cols[0] ?? '') && cols.length >= 4) entries.push({ local: cols[2], cc: '' });
    else if (entries.length && line.trim()) entries[entries.length - 1].cc ||= /\b(cubic|bbr|reno)\b/.exec(line)?.[1] ?? '';
  }
  return entries;
}
