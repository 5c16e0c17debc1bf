import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadHostsFile } from '../../../src/core/hosts';
import { openSession, type ClusterSession } from '../../../src/core/session';
import { previewTreeDeletes } from '../../../src/core/tree/deletePreview';
import { syncTree, type TreeSyncResult } from '../../../src/core/tree/syncTree';
import { startCluster, type TestCluster } from '../harness/cluster';

/** The tools a node without tar has: what the base64 rung needs, nothing more. */
const TOOLS = ['sh', 'base64', 'openssl', 'sha256sum', 'stat', 'xargs', 'mkdir', 'mv', 'touch', 'rm', 'find', 'cut', 'cat', 'df', 'wc', 'tr', 'head', 'tail', 'env', 'awk', 'dirname', 'ls'];

/**
 * The core API (what the extension will call) on real loopback nodes: a p2p rung whose server
 * refuses some files hands them to rsync and says so; a node without tar (and without rsync) gets
 * the tree over base64 one file at a time, and a second sync there rewrites nothing.
 */
describe('core/tree/syncTree on a real loopback cluster', function () {
  this.timeout(180000);
  let cluster: TestCluster;
  let session: ClusterSession;
  let tree: string;
  let noTar: string;
  const signal = new AbortController().signal;

  function noTarShell(dir: string): string {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin, { recursive: true });
    for (const t of TOOLS) fs.symlinkSync(`/usr/bin/${t}`, path.join(bin, t));
    const wrapper = path.join(dir, 'no-tar.sh');
    fs.writeFileSync(wrapper, `#!/bin/sh\ncase "$SSH_ORIGINAL_COMMAND" in\n  rsync*) echo "sh: 1: rsync: not found" >&2; exit 127;;\nesac\nPATH=${bin} exec /bin/sh -c "$SSH_ORIGINAL_COMMAND"\n`, { mode: 0o755 });
    return wrapper;
  }

  before(async () => {
    const tmp = fs.mkdtempSync('/tmp/ringrift-notar-');
    noTar = noTarShell(tmp);
    cluster = await startCluster([{ name: 'limited' }, { name: 'notar', agent: false, sshdConfig: [`ForceCommand ${noTar}`] }]);
    const loaded = await loadHostsFile(cluster.writeHostsFile());
    assert.ok(loaded.ok);
    session = openSession({ hosts: loaded.value, env: { ...process.env, HOME: cluster.dir, SSH_AUTH_SOCK: '' }, stateDir: path.join(cluster.dir, 'state'), knownHostsFile: cluster.knownHostsFile });
    // The p2p server takes no .txt file (as the orchestrator's extension allowlist does).
    const p2p = session.router.deps.transports.p2p;
    const push = p2p.push.bind(p2p);
    p2p.push = async (node, job, progress, sig) => job.remotePath.endsWith('.txt')
      ? { ok: false, transport: 'p2p', code: 'extension_not_allowed', limit: 'extension_not_allowed', message: `p2p: ${node.name}: .txt not accepted`, durationMs: 0 }
      : push(node, job, progress, sig);
    tree = path.join(cluster.dir, 'tree');
    fs.mkdirSync(path.join(tree, 'd e'), { recursive: true });
    fs.writeFileSync(path.join(tree, 'model.npz'), Buffer.alloc(200_000, 3));
    fs.writeFileSync(path.join(tree, 'd e', "it's;$(x).npy"), 'npy');
    fs.writeFileSync(path.join(tree, 'notes.txt'), 'only over SSH');
    fs.writeFileSync(path.join(tree, 'new\nline.json'), '{}');
    fs.writeFileSync(path.join(tree, 'back\\slash.npy'), 'a backslash is no separator here');
  });
  after(async () => cluster?.stop());

  const sha = (p: string) => createHash('sha256').update(fs.readFileSync(p)).digest('hex');
  const RELS = ['back\\slash.npy', 'd e/it\'s;$(x).npy', 'model.npz', 'new\nline.json', 'notes.txt'];
  async function sync(node: string): Promise<TreeSyncResult> {
    const out = await syncTree(session, session.nodes.filter((n) => n.name === node), tree, 'data/t', { signal });
    assert.equal(out.kind, 'synced');
    return out.kind === 'synced' ? out.results[0] : (undefined as never);
  }

  it('files the p2p server refuses go over rsync, and the report says which, why and who took them', async () => {
    const r = await sync('limited');
    assert.ok(r.success, r.message);
    assert.deepEqual(r.attempts.map((a) => [a.transport, a.result]), [['p2p', 'failed'], ['rsync', 'ok']]);
    assert.deepEqual(r.files.refused.sort((a, b) => (a.path < b.path ? -1 : 1)), [
      { path: 'back\\slash.npy', reason: 'name_unsupported', transport: 'p2p', sentBy: 'rsync' },
      { path: 'notes.txt', reason: 'extension_not_allowed', transport: 'p2p', sentBy: 'rsync' },
    ]);
    assert.deepEqual([r.files.sent, r.files.skipped], [5, 0]);
    assert.ok(!fs.existsSync(cluster.node('limited').file('data/t/back/slash.npy')));
    for (const rel of RELS) assert.equal(sha(cluster.node('limited').file(`data/t/${rel}`)), sha(path.join(tree, rel)), rel);
    assert.equal(session.store.read().nodes.limited.enabled, true);
  });

  it('a node without tar gets the tree over base64 one file at a time, verified, and a second sync rewrites nothing', async () => {
    const probe = spawnSync(noTar, [], { env: { SSH_ORIGINAL_COMMAND: 'command -v tar || echo no-tar' } });
    assert.equal(probe.stdout.toString().trim(), 'no-tar');
    const first = await sync('notar');
    assert.ok(first.success, first.message);
    assert.equal(first.transportUsed, 'base64');
    const landed = (rel: string) => cluster.node('notar').file(`data/t/${rel}`);
    for (const rel of RELS) assert.equal(sha(landed(rel)), sha(path.join(tree, rel)), rel);
    const stamp = () => RELS.map((rel) => { const st = fs.statSync(landed(rel)); return `${st.ino}:${st.mtimeMs}`; });
    const before = stamp();
    const second = await sync('notar');
    assert.deepEqual([second.success, second.files.sent, second.files.skipped], [true, 0, 5]);
    assert.deepEqual(stamp(), before);
  });

  it('the --delete dry run lists the extras over the node\'s SSH; an approved list removes only those, a newer extra stays', async () => {
    const nodes = session.nodes.filter((n) => n.name === 'notar');
    assert.ok((await sync('notar')).success);
    const extra = (rel: string) => cluster.node('notar').file(`data/t/${rel}`);
    fs.writeFileSync(extra('old run.bin'), 'old');
    const dry = await previewTreeDeletes(nodes, tree, 'data/t', { transportOptions: session.transportOptions, concurrency: 2, signal });
    assert.equal(dry.kind, 'previewed');
    const [p] = dry.kind === 'previewed' ? dry.previews : [];
    assert.deepEqual(p.ok ? [p.rootExists, p.extras] : p.message, [true, ['old run.bin']]);
    fs.writeFileSync(extra('after the dry run.bin'), 'newer');
    const out = await syncTree(session, nodes, tree, 'data/t', { signal, delete: true, deleteOnly: { notar: p.ok ? p.extras : [] } });
    assert.equal(out.kind === 'synced' && out.results[0].files.deleted, 1);
    assert.ok(!fs.existsSync(extra('old run.bin')), 'approved: removed');
    assert.ok(fs.existsSync(extra('after the dry run.bin')), 'not shown in the dry run: kept');
    const missing = await previewTreeDeletes(nodes, tree, 'data/not-yet', { transportOptions: session.transportOptions, concurrency: 2, signal });
    assert.deepEqual(missing.kind === 'previewed' && missing.previews.map((x) => x.ok && [x.rootExists, x.extras.length]), [[false, 0]]);
    fs.rmSync(extra('after the dry run.bin'));
  });

  it('a cancel mid-transfer leaves no staging directory and does not count against the node', async () => {
    const big = path.join(cluster.dir, 'big');
    fs.mkdirSync(big);
    fs.writeFileSync(path.join(big, 'blob.npy'), Buffer.alloc(16 << 20, 9));
    const stop = new AbortController();
    const out = await syncTree(session, session.nodes.filter((n) => n.name === 'notar'), big, 'data/big', {
      signal: stop.signal,
      onProgress: (_n, t, p) => t === 'base64' && p.bytesDone > 0 && stop.abort(),
    });
    assert.ok(stop.signal.aborted && out.kind === 'synced' && !out.results[0].success);
    assert.match(out.results[0].message, /cancelled/);
    const dir = cluster.node('notar').file('data/big');
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n.startsWith('.ringrift-staging-')), []);
    assert.equal(session.store.read().nodes.notar.enabled, true);
  });

  it('an unknown host key accepted "once" by the surface (the extension\'s prompt) serves the rsync rung too, and is not saved', async () => {
    const emptyKnownHosts = path.join(cluster.dir, 'empty_known_hosts');
    fs.writeFileSync(emptyKnownHosts, '');
    const loaded = await loadHostsFile(cluster.writeHostsFile());
    assert.ok(loaded.ok);
    let asked = 0;
    const once = openSession({
      hosts: loaded.value, env: { ...process.env, HOME: cluster.dir, SSH_AUTH_SOCK: '' }, stateDir: path.join(cluster.dir, 'state-once'), knownHostsFile: emptyKnownHosts,
      transport: { onUnknownHostKey: async () => (asked++, 'once') },
    });
    const out = await syncTree(once, once.nodes.filter((n) => n.name === 'limited'), tree, 'data/once', { signal, forceTransport: 'rsync' });
    assert.ok(out.kind === 'synced' && out.results[0].success, out.kind === 'synced' ? out.results[0].message : out.message);
    assert.ok(asked >= 1);
    assert.equal(fs.readFileSync(emptyKnownHosts, 'utf8'), '');
    for (const rel of RELS) assert.equal(sha(cluster.node('limited').file(`data/once/${rel}`)), sha(path.join(tree, rel)), rel);
  });

  it('a directory of the tree that is a symlink on the node is refused over SSH: nothing lands through it', async () => {
    const outside = path.join(cluster.dir, 'outside');
    fs.mkdirSync(outside);
    fs.mkdirSync(cluster.node('limited').file('data/trap'), { recursive: true });
    fs.symlinkSync(outside, cluster.node('limited').file('data/trap/d e'));
    for (const t of ['rsync', 'base64'] as const) {
      const out = await syncTree(session, session.nodes.filter((n) => n.name === 'limited'), tree, 'data/trap', { signal, forceTransport: t });
      assert.ok(out.kind === 'synced' && !out.results[0].success, t);
      assert.equal(out.results[0].attempts[0].code, 'unsafe_remote_path', t);
      assert.match(out.results[0].message, /"d e" is a symlink on the node/);
      assert.deepEqual(fs.readdirSync(outside), [], t);
      assert.deepEqual(fs.readdirSync(cluster.node('limited').file('data/trap')), ['d e'], `${t}: no staging left`);
    }
  });
});
