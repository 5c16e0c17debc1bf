import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureBuilt } from '../harness/cluster';
import { cli } from '../harness/cliProcess';
import { orchestratorDown, orchestratorUp, type Orchestrator } from '../harness/orchestrator';

/**
 * A tree to the REAL RingRift orchestrator (p2p only: nothing listens on SSH in its namespace):
 * the files its limits allow land and are skipped next time (GET /files/info), the ones it refuses
 * are named in files.refused with no transport that took them.
 */
describe('CLI sync of a tree to the real RingRift orchestrator', function () {
  this.timeout(300_000);
  let work: string;
  let o: Orchestrator;
  let tree: string;
  let base: string[];
  let env: NodeJS.ProcessEnv;

  before(async () => {
    ensureBuilt();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-orch-tree-'));
    o = await orchestratorUp(path.join(work, 'o17'), 17);
    tree = path.join(work, 'tree');
    fs.mkdirSync(path.join(tree, 'sub dir'), { recursive: true });
    fs.writeFileSync(path.join(tree, 'a.json'), '{"a": 1}\n');
    fs.writeFileSync(path.join(tree, 'sub dir', 'b c.npy'), Buffer.alloc(4096, 7));
    fs.writeFileSync(path.join(tree, 'notes.txt'), 'not an allowed extension');
    base = ['--hosts', o.hostsFile, '--state-dir', path.join(work, 'state'), '--known-hosts', path.join(work, 'known_hosts'), '--timeout', '3'];
    env = { ...process.env, NO_COLOR: '1', RINGRIFT_CLUSTER_AUTH_TOKEN: o.token };
  });

  after(async () => {
    if (o) await orchestratorDown(o.dir);
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('lands the allowed files over p2p and names the refused one, leaving the node enabled', async () => {
    const r = await cli(['sync', o.nodeId, '--path', tree, '--remote', 'data/tree', '--json', ...base], env);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const [res] = JSON.parse(r.stdout).results;
    assert.equal(res.disabled, false);
    assert.deepEqual(res.files.refused, [{ path: 'notes.txt', reason: 'extension_not_allowed', transport: 'p2p' }]);
    assert.deepEqual([res.files.sent, res.files.skipped], [2, 0]);
    for (const rel of ['a.json', 'sub dir/b c.npy']) {
      const sha = (p: string) => createHash('sha256').update(fs.readFileSync(p)).digest('hex');
      assert.equal(sha(path.join(o.dataDir, 'tree', rel)), sha(path.join(tree, rel)), rel);
    }
    assert.ok(!fs.existsSync(path.join(o.dataDir, 'tree', 'notes.txt')));
  });

  it('a second sync sends nothing the orchestrator already holds (GET /files/info)', async () => {
    const before = fs.statSync(path.join(o.dataDir, 'tree', 'a.json'));
    const r = await cli(['sync', o.nodeId, '--path', tree, '--remote', 'data/tree', '--json', ...base], env);
    const [res] = JSON.parse(r.stdout).results;
    assert.deepEqual([res.files.sent, res.files.skipped], [0, 2], r.stdout);
    const after = fs.statSync(path.join(o.dataDir, 'tree', 'a.json'));
    assert.deepEqual([after.ino, after.mtimeMs], [before.ino, before.mtimeMs]);
  });
});
