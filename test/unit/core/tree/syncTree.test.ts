import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EventLog } from '../../../../src/core/router/eventLog';
import { DEFAULT_ROUTER_SETTINGS } from '../../../../src/core/router/routerSettings';
import { StateStore } from '../../../../src/core/router/stateStore';
import { SyncRouter } from '../../../../src/core/router/syncRouter';
import { WarmLogins } from '../../../../src/core/tree/sshMaster';
import { syncTree } from '../../../../src/core/tree/syncTree';
import type { NodeSpec } from '../../../../src/core/hosts/nodeSpec';
import { DEFAULT_TRANSPORT_OPTIONS, type PushJob } from '../../../../src/core/transports/transport';
import { makeNode, manualClock, scriptedSet, tempDir } from '../../helpers/scriptedTransports';

/** The core API the CLI and the extension call, on the real router with scripted transports. */
describe('core/tree/syncTree', () => {
  let dir: string;
  let tree: string;
  beforeEach(() => {
    dir = tempDir();
    tree = path.join(dir, 'tree');
    fs.mkdirSync(path.join(tree, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(tree, 'a.npy'), 'aaa');
    fs.writeFileSync(path.join(tree, 'sub', 'b c.json'), 'bb');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function session(nodes = [makeNode('gpu-1', { transports: ['p2p'] })]) {
    const transports = scriptedSet();
    const jobs: PushJob[] = [];
    const push = transports.p2p.push.bind(transports.p2p);
    transports.p2p.push = (node, job, progress, signal) => (jobs.push(job as PushJob), push(node, job, progress, signal));
    const store = new StateStore(dir, path.join(dir, 'distributed_hosts.yaml'));
    const router = new SyncRouter({ nodes, transports, store, events: new EventLog(dir), settings: DEFAULT_ROUTER_SETTINGS, clock: manualClock() });
    return { s: { router, transportOptions: { ...DEFAULT_TRANSPORT_OPTIONS, knownHostsFile: '/kh', env: {} } }, nodes, transports, jobs, store };
  }
  const signal = new AbortController().signal;

  it('syncs the tree file by file through the node\'s chain, with a files report, recorded like any sync', async () => {
    const { s, nodes, jobs, store } = session();
    const out = await syncTree(s, nodes, tree, 'data/t', { signal });
    assert.equal(out.kind, 'synced');
    if (out.kind !== 'synced') return;
    const [r] = out.results;
    assert.deepEqual([r.success, r.transportUsed, r.bytes], [true, 'p2p', 5]);
    assert.deepEqual(r.files, { total: 2, sent: 2, skipped: 0, refused: [], deleted: 0 });
    assert.deepEqual(jobs.map((j) => j.remotePath).sort(), ['data/t/a.npy', 'data/t/sub/b c.json']);
    assert.equal(store.read().nodes['gpu-1'].lastWorkingTransport, 'p2p');
  });

  it('a symlink out of the tree refuses the whole sync before any transport is touched, listing every entry', async () => {
    fs.symlinkSync('/etc', path.join(tree, 'etc'));
    fs.symlinkSync('..', path.join(tree, 'sub', 'up'));
    const { s, nodes, transports } = session();
    const out = await syncTree(s, nodes, tree, 'data/t', { signal });
    assert.equal(out.kind, 'refused');
    if (out.kind !== 'refused') return;
    assert.deepEqual(out.refusals.map((r) => r.path), ['etc', 'sub/up']);
    assert.match(out.message, /"etc": symlink_outside/);
    assert.deepEqual([transports.p2p.probes, transports.p2p.pushes], [[], []]);
  });

  it('logs in to the nodes whose sync starts with rsync while the tree is walked, and closes those logins when the walk refuses it', async () => {
    fs.symlinkSync('/etc', path.join(tree, 'etc'));
    const { s, nodes, transports } = session([makeNode('ssh-only', { transports: ['rsync', 'base64'] }), makeNode('agent', { transports: ['p2p', 'rsync'] })]);
    const warmed: string[] = [];
    let closed = 0;
    const { warm, closeAll } = WarmLogins.prototype;
    WarmLogins.prototype.warm = (node: NodeSpec) => void warmed.push(node.name);
    WarmLogins.prototype.closeAll = async () => void closed++;
    try {
      const out = await syncTree(s, nodes, tree, 'data/t', { signal });
      assert.equal(out.kind, 'refused');
    } finally {
      Object.assign(WarmLogins.prototype, { warm, closeAll });
    }
    assert.deepEqual(warmed, ['ssh-only'], 'the rsync-first node only: its login made before the walk ended');
    assert.equal(closed, 1);
    assert.deepEqual([transports.rsync.probes, transports.rsync.pushes], [[], []]);
  });

  it("a remote directory with '..' is refused before anything is sent", async () => {
    const { s, nodes, transports } = session();
    const out = await syncTree(s, nodes, tree, 'data/../../etc', { signal });
    assert.ok(out.kind === 'refused' && /'\.\.'/.test(out.message));
    assert.deepEqual(transports.p2p.pushes, []);
  });
});
