import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { answerBeforeBody, bytesOf, rawRequest, sha256, startTestAgent, waitFor, type AgentFixture } from './agentFixture';
import { formBody, listTree, uploadForm } from './formFixture';

describe('agent POST /files/upload (the orchestrator form)', () => {
  let fx: AgentFixture;
  afterEach(async () => fx?.close());
  const partials = () => listTree(fx.root).filter((n) => n.includes('ringrift-partial'));

  it('stores a form sent by a stock client (fetch + FormData) at ROOT/data/<rest>: 200 with size, node_id, sha256', async () => {
    fx = await startTestAgent();
    const content = bytesOf(300_000);
    const form = new FormData();
    form.append('path', 'data/check/f5.npz');
    form.append('file', new Blob([content]), 'f5.npz');
    const res = await fetch(`${fx.agent.url}/files/upload`, { method: 'POST', body: form });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { success: true, path: 'data/check/f5.npz', size: content.length, node_id: 'test-node', sha256: sha256(content) });
    assert.ok(fs.readFileSync(path.join(fx.root, 'data/check/f5.npz')).equals(content));
    assert.deepEqual(partials(), []);
    // The same file through this agent's own protocol: HEAD /files/data/... sees it.
    assert.equal((await rawRequest(fx.agent, 'HEAD', '/files/data/check/f5.npz')).headers['x-sha256'], sha256(content));
  });

  it('models/<rest> lands at ROOT/models/<rest>; any extension, and an existing file is replaced', async () => {
    fx = await startTestAgent();
    fs.mkdirSync(path.join(fx.root, 'models'));
    fs.writeFileSync(path.join(fx.root, 'models/tool.exe'), 'old');
    const content = bytesOf(5000, 4);
    const r = await uploadForm(fx.agent, 'models/tool.exe', content);
    assert.equal(r.status, 200, r.body);
    assert.ok(fs.readFileSync(path.join(fx.root, 'models/tool.exe')).equals(content));
    assert.deepEqual(partials(), []);
  });

  it('a hostile file name (spaces, quotes, $(), ;, backticks) and a UTF-8 one land as names, run nothing', async () => {
    fx = await startTestAgent();
    const name = `we ird/it's "q" $(touch pwned) ; \`touch pwned2\` & x.npz`;
    const content = bytesOf(1000, 5);
    const r = await uploadForm(fx.agent, `data/${name}`, content);
    assert.equal(r.status, 200, r.body);
    assert.equal(r.json().path, `data/${name}`);
    assert.ok(fs.readFileSync(path.join(fx.root, 'data', name)).equals(content));
    const unicode = await uploadForm(fx.agent, 'data/ünï 模型.npz', content);
    assert.equal(unicode.status, 200, unicode.body);
    assert.deepEqual(listTree(fx.root), ['data', 'data/we ird', `data/${name}`, 'data/ünï 模型.npz'].sort());
  });

  it("400 with the orchestrator's message for a path outside data/ and models/; nothing written", async () => {
    fx = await startTestAgent();
    for (const bad of ['x.npz', '/data/x.npz', 'datax/y.npz', 'model/x.pt', './data/x.npz', 'Data/x.npz']) {
      const r = await uploadForm(fx.agent, bad, bytesOf(10));
      assert.equal(r.status, 400, bad);
      assert.deepEqual(r.json(), { error: "Path must start with 'models/' or 'data/'", code: 'bad_path' }, bad);
    }
    // A refusal while a large body is still arriving reaches the client too.
    const big = await uploadForm(fx.agent, 'elsewhere/x.npz', bytesOf(4 << 20));
    assert.equal(big.status, 400);
    assert.deepEqual(listTree(fx.root), []);
  });

  it('400 for .., NUL, a bare directory and reserved partial names under data/; nothing written', async () => {
    fx = await startTestAgent();
    for (const bad of ['data/../x.npz', 'data/a/../../../etc/s.npz', 'models/..', 'data/a\0b.npz', 'data/', 'data/sub/', 'data/.x.ringrift-partial']) {
      const r = await uploadForm(fx.agent, bad, bytesOf(10));
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.equal(r.json().code, 'bad_path', bad);
      assert.match(String(r.json().error), /test-node/, 'says where');
    }
    assert.deepEqual(listTree(fx.root), []);
  });

  it('401 without the token (Bearer or X-RingRift-Auth takes it); nothing written', async () => {
    fx = await startTestAgent({ token: 'tok' });
    assert.equal((await uploadForm(fx.agent, 'data/x.npz', bytesOf(10))).status, 401);
    assert.deepEqual(listTree(fx.root), []);
    assert.equal((await uploadForm(fx.agent, 'data/x.npz', bytesOf(10), { 'X-RingRift-Auth': 'tok' })).status, 200);
  });

  it('400 bad_form: not multipart, no file part, path after the file; nothing written', async () => {
    fx = await startTestAgent();
    const json = await rawRequest(fx.agent, 'POST', '/files/upload', { 'Content-Type': 'application/json' }, Buffer.from('{}'));
    assert.equal(json.status, 400);
    const cases = [
      formBody([{ name: 'path', value: 'data/x.npz' }]),
      formBody([{ name: 'file', filename: 'x', content: bytesOf(10) }, { name: 'path', value: 'data/x.npz' }]),
    ];
    for (const f of cases) {
      const r = await rawRequest(fx.agent, 'POST', '/files/upload', { 'Content-Type': f.contentType, 'Content-Length': f.body.length }, f.body);
      assert.equal(r.status, 400, r.body);
      assert.equal(r.json().code, 'bad_form');
    }
    assert.deepEqual(listTree(fx.root), []);
  });

  it('507 before reading the body (before 100 Continue) when the disk cannot hold it; 409 when the target is a directory', async () => {
    fx = await startTestAgent({ fakeFreeBytes: 1000 });
    const r = await uploadForm(fx.agent, 'data/big.npz', bytesOf(5000));
    assert.equal(r.status, 507);
    assert.equal(r.json().code, 'disk_full');
    assert.match(String(r.json().error), /test-node has 0\.0 MiB free/);
    assert.deepEqual(listTree(fx.root), []);
    const form = formBody([{ name: 'path', value: 'data/big.npz' }, { name: 'file', filename: 'big.npz', content: bytesOf(5000) }]);
    const early = await answerBeforeBody(fx.agent, 'POST', '/files/upload', { 'Content-Type': form.contentType, 'Content-Length': form.body.length });
    assert.deepEqual(early, { status: 507, continued: false });
    fs.mkdirSync(path.join(fx.root, 'data/dir'), { recursive: true });
    const dir = await uploadForm(fx.agent, 'data/dir', bytesOf(10));
    assert.equal(dir.status, 409);
    assert.equal(dir.json().code, 'is_directory');
  });

  it('a connection cut mid-body: the old file stays, no partial is left behind', async () => {
    fx = await startTestAgent();
    fs.mkdirSync(path.join(fx.root, 'data'));
    fs.writeFileSync(path.join(fx.root, 'data/cut.npz'), 'old content');
    const form = formBody([{ name: 'path', value: 'data/cut.npz' }, { name: 'file', filename: 'cut.npz', content: bytesOf(8 << 20) }]);
    const req = http.request({ host: fx.agent.address, port: fx.agent.port, method: 'POST', path: '/files/upload', agent: false,
      headers: { 'Content-Type': form.contentType, 'Content-Length': form.body.length } });
    req.on('error', () => undefined);
    req.write(form.body.subarray(0, 2 << 20));
    await waitFor(() => partials().length > 0, 'the upload to reach the disk');
    req.destroy();
    await waitFor(() => fx.logs.some((l) => /POST \/files\/upload client-gone/.test(l)), 'the agent to finish with the cut upload');
    assert.equal(fs.readFileSync(path.join(fx.root, 'data/cut.npz'), 'utf8'), 'old content');
    assert.deepEqual(partials(), []);
  });

  it('streams a 64 MiB file sent in small chunks; the stored bytes hash as sent', async function () {
    this.timeout(60000);
    fx = await startTestAgent();
    const chunk = bytesOf(64 * 1024, 6);
    const count = 1024;
    const head = formBody([{ name: 'path', value: 'data/big/64m.bin' }, { name: 'file', filename: 'x', content: Buffer.alloc(0) }]);
    // Split the empty-file form at its (empty) content and send the 64 MiB there.
    const marker = head.body.indexOf('\r\n\r\n', head.body.indexOf('filename=')) + 4;
    const [pre, post] = [head.body.subarray(0, marker), head.body.subarray(marker)];
    const reply = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: fx.agent.address, port: fx.agent.port, method: 'POST', path: '/files/upload', agent: false,
        headers: { 'Content-Type': head.contentType, 'Content-Length': pre.length + chunk.length * count + post.length } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      void (async () => {
        req.write(pre);
        for (let i = 0; i < count; i++) if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
        req.end(post);
      })();
    });
    const r = await reply;
    assert.equal(r.status, 200, r.body);
    const whole = sha256(Buffer.concat(Array.from({ length: count }, () => chunk)));
    assert.equal(JSON.parse(r.body).sha256, whole);
    assert.equal(fs.statSync(path.join(fx.root, 'data/big/64m.bin')).size, chunk.length * count);
  });
});
