import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI_JS, ensureBuilt, startCluster, type TestCluster } from '../harness/cluster';

interface Row {
  node: string;
  success: boolean;
  source: string;
  wave: number;
  route: 'seed' | 'pull' | 'direct';
  transportUsed: string | null;
  sha256: string | null;
  message: string;
  pulls?: Array<{ source: string; result: string; code?: string; error?: string }>;
}

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/**
 * `sync --fanout` through the built CLI on real loopback nodes (sshd + our agent each): one copy
 * from here, the rest pulled between the agents with POST /sync/pull and verified on each node.
 */
describe('CLI sync --fanout on a real loopback cluster', function () {
  this.timeout(180000);
  let cluster: TestCluster;
  let hostsFile: string;
  let small: string;
  let big: string;
  const pullers = ['n2', 'n3', 'n4', 'n5'];

  before(async () => {
    // Agents start one at a time: ten node processes starting at once on a loaded machine miss
    // the harness's 5 s bound.
    ensureBuilt();
    const names = ['n0', 'n1', ...pullers, 'natted', 'nop2p'];
    const fields: Record<string, Record<string, unknown>> = { natted: { nat_blocked: true }, nop2p: { p2p_enabled: false } };
    cluster = await startCluster(names.map((name) => ({ name, agent: false, fields: fields[name] })));
    for (const n of cluster.nodes) await n.startAgent();
    // The relay node's agent answers on its public port (p2p_public_port): it can be asked to pull.
    const natted = cluster.node('natted');
    hostsFile = cluster.writeHostsFile({ natted: { p2p_public_port: natted.agentPort } });
    small = path.join(cluster.dir, 'small.bin');
    fs.writeFileSync(small, randomBytes(3 * 1024 * 1024 + 5));
    big = path.join(cluster.dir, 'big.bin');
    fs.writeFileSync(big, randomBytes(96 * 1024 * 1024));
  });
  after(async () => cluster?.stop());

  /** Runs the CLI; `onLine` sees each stderr line as it comes (to act mid-run). */
  function cli(args: string[], onLine: (line: string) => void = () => undefined): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const all = [CLI_JS, ...args, '--hosts', hostsFile, '--state-dir', path.join(cluster.dir, 'state'), '--known-hosts', cluster.knownHostsFile, '--timeout', '8'];
    return new Promise((resolve) => {
      const child = spawn(process.execPath, all, { env: { ...process.env, HOME: cluster.dir }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let partial = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
        const lines = (partial + b.toString()).split('\n');
        partial = lines.pop() ?? '';
        lines.forEach(onLine);
      });
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  const rowsOf = (stdout: string): Record<string, Row> => Object.fromEntries((JSON.parse(stdout).results as Row[]).map((r) => [r.node, r]));

  /** Each pulled row's wave is its source's plus one, and its source holds a verified copy. */
  function assertCoherent(rows: Record<string, Row>): void {
    for (const r of Object.values(rows)) {
      if (r.source === 'local') assert.equal(r.wave, 1, r.node);
      else {
        assert.ok(rows[r.source]?.success, `${r.node}'s source ${r.source} holds the file`);
        assert.equal(r.wave, rows[r.source].wave + 1, `${r.node} pulled from ${r.source}`);
      }
    }
  }

  function assertOnEveryNode(rel: string, file: string, rows: Record<string, Row>): void {
    const want = sha(file);
    for (const n of cluster.nodes) {
      assert.equal(rows[n.name].success, true, `${n.name}: ${rows[n.name].message}`);
      assert.equal(rows[n.name].sha256, want, n.name);
      assert.equal(sha(n.file(rel)), want, `bytes on ${n.name}`);
    }
  }

  it('sync --all --fanout --json: every node verified, exactly the seed from here, waves coherent', async () => {
    const r = await cli(['sync', '--all', '--fanout', '--path', small, '--remote', 'data/fan/small.bin', '--json']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const rows = rowsOf(r.stdout);
    assertOnEveryNode('data/fan/small.bin', small, rows);
    assert.deepEqual(Object.values(rows).filter((x) => x.route === 'seed').map((x) => x.node), ['n0']);
    assert.deepEqual(Object.values(rows).filter((x) => x.source === 'local').map((x) => x.node).sort(), ['n0', 'nop2p']);
    assertCoherent(rows);
    for (const name of [...pullers, 'n1', 'natted']) assert.equal(rows[name].route, 'pull', `${name}: ${rows[name].message}`);
    assert.equal(rows.natted.transportUsed, 'http', 'the relay node is asked on its public port');
    assert.ok(!Object.values(rows).some((x) => x.source === 'natted'), 'the nat_blocked node serves nobody');
  });

  it('a node with p2p disabled gets the file directly from here over the chain', async () => {
    const r = await cli(['sync', '--all', '--fanout', '--path', small, '--remote', 'data/fan/again.bin', '--json']);
    const rows = rowsOf(r.stdout);
    assert.deepEqual([rows.nop2p.route, rows.nop2p.source, rows.nop2p.wave, rows.nop2p.transportUsed], ['direct', 'local', 1, 'rsync']);
    assert.match(rows.nop2p.message, /direct from this machine: nop2p: nothing can ask it to pull/);
  });

  it('the table shows SOURCE and WAVE; progress lines show the waves', async () => {
    const r = await cli(['sync', 'n0', 'n2', 'n3', '--fanout', '--path', small, '--remote', 'data/fan/table.bin']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /^NODE\s+RESULT\s+SOURCE\s+WAVE\s+VIA/);
    assert.match(r.stdout, /\nn2\s+ok\s+n0\s+2\s+p2p\s+pull←n0/);
    assert.match(r.stderr, /wave 1: pushing to seed n0 from here/);
    assert.match(r.stderr, /wave 2: n3 verified \(sha256 on the node\), pulled from n0/);
  });

  it('a source whose agent dies mid-wave: its pullers are re-sourced or go direct, every node ends verified', async () => {
    const victim = cluster.node('n1');
    // With seeds n0 and n1 and two pullers each, n2 and n3 start on different seeds: once both
    // pulls are under way (their one-shot temporaries exist), one of them reads from n1. Freeze
    // n1's agent then, mid-transfer, and kill it.
    const pulling = (name: string) => {
      const dir = cluster.node(name).file('data/fan');
      return fs.existsSync(dir) && fs.readdirSync(dir).some((f) => f.startsWith('.big.bin.pull-'));
    };
    let killed: Promise<void> | undefined;
    const watch = setInterval(() => {
      if (killed || !pulling('n2') || !pulling('n3')) return;
      victim.agentProc?.child.kill('SIGSTOP');
      killed = new Promise((done) => setTimeout(done, 300)).then(() => victim.stopAgent('SIGKILL'));
    }, 10);
    const r = await cli(['sync', '--all', '--fanout', '--fanout-seeds', '2', '--path', big, '--remote', 'data/fan/big.bin', '--json']);
    clearInterval(watch);
    assert.ok(killed, 'the pulls from the seeds were never seen under way');
    await killed;
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const rows = rowsOf(r.stdout);
    assertOnEveryNode('data/fan/big.bin', big, rows);
    assertCoherent(rows);
    const hit = Object.values(rows).filter((x) => x.pulls?.some((p) => p.source === 'n1' && p.result === 'failed'));
    assert.ok(hit.length >= 1, `some pull from n1 failed: ${r.stderr}`);
    for (const x of hit) {
      assert.notEqual(x.source, 'n1');
      assert.ok(x.route === 'pull' || x.route === 'direct', x.route);
      assert.match(x.pulls!.find((p) => p.source === 'n1')!.error!, /n1|pull/);
    }
    await victim.startAgent();
  });
});
