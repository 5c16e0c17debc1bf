import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { CLI_JS, startCluster, type TestCluster } from '../harness/cluster';

const run = promisify(execFile);

/** Names the SSH rungs must never pass through a shell: each lands verbatim, nothing else happens. */
const HOSTILE = ['a b.txt', "q'uote", 'x$(touch PWNED)', 'back`touch PWNED`', 'semi;touch PWNED', 'new\nline', '-dash', 'sub dir/inner "f"', 'nl\n/trail\n', '*', 'dq"dq'];

interface FileResult { node: string; success: boolean; transportUsed: string; attempts: Array<{ transport: string; result: string }>; files: { total: number; sent: number; skipped: number; deleted: number; refused: unknown[] } }

/**
 * `sync --path DIR` end to end through the built CLI on real loopback nodes: one on p2p (our
 * agent), one where rsync takes over (no agent), one where only base64 works (rsync refused).
 */
describe('CLI sync of a directory tree on a real loopback cluster', function () {
  this.timeout(180000);
  let cluster: TestCluster;
  let hostsFile: string;
  let stateDir: string;
  let tree: string;
  const NODES = ['p2pnode', 'rsyncnode', 'b64node'];

  const refuseRsync = (dir: string) => {
    const wrapper = path.join(dir, 'refuse-rsync.sh');
    fs.writeFileSync(wrapper, '#!/bin/sh\ncase "$SSH_ORIGINAL_COMMAND" in\n  rsync*) echo "sh: 1: rsync: not found" >&2; exit 127;;\nesac\nexec /bin/sh -c "$SSH_ORIGINAL_COMMAND"\n', { mode: 0o755 });
    return wrapper;
  };

  before(async () => {
    const tmp = fs.mkdtempSync('/tmp/ringrift-tree-');
    cluster = await startCluster([
      { name: 'p2pnode' },
      { name: 'rsyncnode', agent: false },
      { name: 'b64node', agent: false, sshdConfig: [`ForceCommand ${refuseRsync(tmp)}`] },
    ]);
    hostsFile = cluster.writeHostsFile();
    stateDir = path.join(cluster.dir, 'state');
    tree = path.join(cluster.dir, 'work', 'tree');
    const put = (rel: string, data: Buffer | string) => {
      fs.mkdirSync(path.dirname(path.join(tree, rel)), { recursive: true });
      fs.writeFileSync(path.join(tree, rel), data);
    };
    HOSTILE.forEach((n) => put(n, `hostile ${n}`));
    for (let i = 0; i < 300; i++) put(`many/d${i % 7}/f${i}.txt`, `small file ${i}\n`.repeat(1 + (i % 5)));
    const big = Buffer.alloc(3 * 1024 * 1024 + 5);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    put('big/blob.bin', big);
    fs.symlinkSync('many/d1', path.join(tree, 'alias'));
  });
  after(async () => cluster?.stop());

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const all = [CLI_JS, ...args, '--hosts', hostsFile, '--state-dir', stateDir, '--known-hosts', cluster.knownHostsFile, '--timeout', '8'];
    try {
      const { stdout, stderr } = await run(process.execPath, all, { env: { ...process.env, HOME: cluster.dir }, maxBuffer: 64 << 20 });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  /** Every local file (through the followed link) as rel -> sha256. */
  function localFiles(): Map<string, string> {
    const out = new Map<string, string>();
    const walk = (dir: string, rel: string) => {
      for (const name of fs.readdirSync(dir)) {
        const abs = path.join(dir, name);
        const r = rel ? `${rel}/${name}` : name;
        if (fs.statSync(abs).isDirectory()) walk(abs, r);
        else out.set(r, createHash('sha256').update(fs.readFileSync(abs)).digest('hex'));
      }
    };
    walk(tree, '');
    return out;
  }

  /** inode and mtime of every file of the tree on a node. */
  function snapshot(node: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const rel of localFiles().keys()) {
      const st = fs.statSync(cluster.node(node).file(`data/tree/${rel}`));
      out.set(rel, `${st.ino}:${st.mtimeMs}`);
    }
    return out;
  }

  it('lands every file, verbatim, on each node through its own escalation', async () => {
    const r = await cli('sync', ...NODES, '--path', tree, '--remote', 'data/tree', '--json');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const by = Object.fromEntries((JSON.parse(r.stdout).results as FileResult[]).map((x) => [x.node, x]));
    assert.equal(by.p2pnode.transportUsed, 'p2p');
    assert.equal(by.rsyncnode.transportUsed, 'rsync');
    assert.equal(by.b64node.transportUsed, 'base64');
    const local = localFiles();
    assert.ok(local.size > 300 && local.has('alias/f1.txt') && local.has('new\nline'));
    for (const name of NODES) {
      assert.deepEqual(by[name].files, { total: local.size, sent: local.size, skipped: 0, refused: [], deleted: 0 }, name);
      for (const [rel, sha] of local) {
        const landed = fs.readFileSync(cluster.node(name).file(`data/tree/${rel}`));
        assert.equal(createHash('sha256').update(landed).digest('hex'), sha, `${name}: ${JSON.stringify(rel)}`);
      }
      assert.ok(fs.lstatSync(cluster.node(name).file('data/tree/alias')).isDirectory(), `${name}: the link's files land in a real directory`);
      const extra = fs.readdirSync(cluster.node(name).file('data/tree')).filter((n) => n.startsWith('.ringrift'));
      assert.deepEqual(extra, [], `${name}: no staging or partial left`);
    }
    for (const dir of [cluster.dir, process.cwd(), ...NODES.map((n) => cluster.node(n).root)]) assert.ok(!fs.existsSync(path.join(dir, 'PWNED')), dir);
  });

  it('a second sync of the unchanged tree rewrites nothing (same inodes and mtimes on every node)', async () => {
    const before = new Map(NODES.map((n) => [n, snapshot(n)]));
    const r = await cli('sync', ...NODES, '--path', tree, '--remote', 'data/tree', '--json');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const x of JSON.parse(r.stdout).results as FileResult[]) {
      assert.equal(x.files.sent, 0, `${x.node} sent ${x.files.sent}`);
      assert.equal(x.files.skipped, x.files.total);
      assert.deepEqual(snapshot(x.node), before.get(x.node), x.node);
    }
  });

  it('--delete removes files under the remote directory that are not in the tree; without it they stay', async () => {
    for (const n of NODES) fs.writeFileSync(cluster.node(n).file('data/tree/stale\nname'), 'old');
    const keep = await cli('sync', ...NODES, '--path', tree, '--remote', 'data/tree', '--json');
    assert.equal(keep.code, 0, keep.stdout + keep.stderr);
    for (const n of NODES) assert.ok(fs.existsSync(cluster.node(n).file('data/tree/stale\nname')), n);
    // The dry run names what would go, per node, and touches nothing.
    const before = new Map(NODES.map((n) => [n, snapshot(n)]));
    const dry = await cli('sync', ...NODES, '--path', tree, '--remote', 'data/tree', '--delete', '--dry-run', '--json');
    assert.equal(dry.code, 0, dry.stdout + dry.stderr);
    const previewed = JSON.parse(dry.stdout) as { dryRun: boolean; results: Array<{ node: string; success: boolean; root: string; wouldDelete: string[] }> };
    assert.equal(previewed.dryRun, true);
    for (const x of previewed.results) {
      assert.deepEqual([x.success, x.wouldDelete], [true, ['stale\nname']], x.node);
      assert.equal(x.root, cluster.node(x.node).file('data/tree'));
      assert.deepEqual(snapshot(x.node), before.get(x.node), `${x.node}: the dry run changed nothing`);
      assert.ok(fs.existsSync(cluster.node(x.node).file('data/tree/stale\nname')), `${x.node}: the dry run removed nothing`);
    }
    const shown = await cli('sync', 'p2pnode', '--path', tree, '--remote', 'data/elsewhere', '--delete', '--dry-run');
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /--delete dry run: nothing was sent or removed/);
    assert.match(shown.stdout, /p2pnode .*is not there yet: nothing to delete/);
    const del = await cli('sync', ...NODES, '--path', tree, '--remote', 'data/tree', '--delete', '--json');
    assert.equal(del.code, 0, del.stdout + del.stderr);
    for (const x of JSON.parse(del.stdout).results as FileResult[]) {
      assert.equal(x.files.deleted, 1, x.node);
      assert.ok(!fs.existsSync(cluster.node(x.node).file('data/tree/stale\nname')), x.node);
    }
  });

  it('a symlink out of the tree stops the whole sync before anything is sent, naming it', async () => {
    const bad = path.join(cluster.dir, 'work', 'bad');
    fs.mkdirSync(path.join(bad, 'ok'), { recursive: true });
    fs.writeFileSync(path.join(bad, 'ok/file.txt'), 'fine');
    fs.symlinkSync('/etc/passwd', path.join(bad, 'ok/leak'));
    fs.symlinkSync('..', path.join(bad, 'ok/loop'));
    const r = await cli('sync', ...NODES, '--path', bad, '--remote', 'data/bad', '--json');
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.refused.map((x: { path: string; reason: string }) => [x.path, x.reason]), [['ok/leak', 'symlink_outside'], ['ok/loop', 'symlink_cycle']]);
    assert.match(r.stderr, /ok\/leak.*\/etc\/passwd/);
    for (const n of NODES) assert.ok(!fs.existsSync(cluster.node(n).file('data/bad')), n);
  });
});
