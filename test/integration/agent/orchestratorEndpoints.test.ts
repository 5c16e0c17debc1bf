import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnAgent, type AgentProcess } from './agentProcess';

/** The orchestrator's endpoints on `ringrift-sync agent` as a real process: a form upload, then a pull by a second agent. */
describe('ringrift-sync agent: the orchestrator endpoints (child processes)', function () {
  this.timeout(30000);
  let work: string;
  const agents: AgentProcess[] = [];
  before(() => (work = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-agent-orch-'))));
  after(async () => {
    for (const a of agents) await a.stop('SIGKILL');
    fs.rmSync(work, { recursive: true, force: true });
  });
  const auth = { Authorization: 'Bearer cluster-tok' };

  it('POST /files/upload, GET /files/info, then POST /sync/pull on a second agent lands the file at ROOT/data/<entry>', async () => {
    const [src, dst] = [
      await spawnAgent({ address: '127.0.41.20', root: path.join(work, 'src'), name: 'src', args: ['--token', 'cluster-tok'] }),
      await spawnAgent({ address: '127.0.41.21', root: path.join(work, 'dst'), name: 'dst', args: ['--token', 'cluster-tok'] }),
    ];
    agents.push(src, dst);
    const content = Buffer.alloc(3 << 20, 7);
    const sha = createHash('sha256').update(content).digest('hex');
    const form = new FormData();
    form.append('path', 'data/selfplay/games 001.npz');
    form.append('file', new Blob([content]), 'games 001.npz');
    const up = await fetch(`${src.url}/files/upload`, { method: 'POST', body: form, headers: auth });
    assert.equal(up.status, 200);
    assert.deepEqual(await up.json(), { success: true, path: 'data/selfplay/games 001.npz', size: content.length, node_id: 'src', sha256: sha });

    const info = await fetch(`${src.url}/files/info?path=${encodeURIComponent('selfplay/games 001.npz')}&type=data`, { headers: auth });
    assert.equal(((await info.json()) as { sha256: string }).sha256, sha);

    const pull = await fetch(`${dst.url}/sync/pull`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ source_node_id: 'src', source_host: src.address, source_port: src.port, files: ['selfplay/games 001.npz'] }),
    });
    assert.equal(pull.status, 200);
    assert.deepEqual(await pull.json(), { success: true, files_completed: 1, bytes_transferred: content.length });
    assert.ok(fs.readFileSync(path.join(work, 'dst/data/selfplay/games 001.npz')).equals(content));
  });
});
