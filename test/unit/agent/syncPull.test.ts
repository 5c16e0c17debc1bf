import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { bytesOf, rawRequest, sha256, startTestAgent, type AgentFixture, type RawReply } from './agentFixture';
import { listTree } from './formFixture';

/** A stand-in source on loopback answering /sync/file with `answer`; records the URLs asked for. */
async function fakeSource(answer: (res: http.ServerResponse) => void): Promise<{ port: number; asked: string[]; close(): Promise<void> }> {
  const asked: string[] = [];
  const server = http.createServer((req, res) => {
    asked.push(req.url ?? '');
    answer(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    asked,
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

describe('agent POST /sync/pull (one agent pulls from another)', () => {
  const token = 'cluster-tok';
  const auth = { Authorization: `Bearer ${token}` };
  let source: AgentFixture;
  let puller: AgentFixture;
  afterEach(async () => {
    await source?.close();
    await puller?.close();
  });
  const place = (fx: AgentFixture, rel: string, bytes: Buffer) => {
    fs.mkdirSync(path.dirname(path.join(fx.root, rel)), { recursive: true });
    fs.writeFileSync(path.join(fx.root, rel), bytes);
  };
  const pull = (body: unknown, headers: Record<string, string> = auth): Promise<RawReply> => {
    const text = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    return rawRequest(puller.agent, 'POST', '/sync/pull', { ...headers, 'Content-Type': 'application/json', 'Content-Length': text.length }, text);
  };
  const from = (port: number, files: unknown[]) => ({ source_node_id: 'src', source_host: '127.0.0.1', source_port: port, files });
  const partials = (fx: AgentFixture) => listTree(fx.root).filter((n) => n.includes('ringrift-partial') || n.endsWith('.partial'));
  const sourceFetches = () => source.logs.filter((l) => l.includes('GET /sync/file'));

  it('lands each entry at ROOT/data/<entry> as the orchestrator does (data/ prefix kept): 200 success', async () => {
    [source, puller] = [await startTestAgent({ token }), await startTestAgent({ token })];
    const a = bytesOf(1 << 20, 8);
    const b = bytesOf(777, 9);
    place(source, 'data/data/pulled/p1.npz', a);
    place(source, 'data/plain/x y.bin', b);
    const r = await pull(from(source.agent.port, ['data/pulled/p1.npz', 'plain/x y.bin']));
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(r.json(), { success: true, files_completed: 2, bytes_transferred: a.length + b.length });
    assert.ok(fs.readFileSync(path.join(puller.root, 'data/data/pulled/p1.npz')).equals(a));
    assert.ok(fs.readFileSync(path.join(puller.root, 'data/plain/x y.bin')).equals(b));
    assert.deepEqual(partials(puller), []);
    // The puller asked the source the way the orchestrator does, with its own token.
    assert.equal(sourceFetches().length, 2);
    assert.ok(sourceFetches().every((l) => / 200 /.test(l)));
    // HEAD right after knows the hash (recorded by the pull).
    assert.equal((await rawRequest(puller.agent, 'HEAD', '/files/data/data/pulled/p1.npz', auth)).headers['x-sha256'], sha256(a));
  });

  it('200 success:false with the error when the source 404s (or refuses our token); the rest still lands', async () => {
    [source, puller] = [await startTestAgent({ token }), await startTestAgent({ token })];
    place(source, 'data/ok.bin', bytesOf(100));
    const r = await pull(from(source.agent.port, ['missing.npz', 'ok.bin']));
    assert.equal(r.status, 200);
    const body = r.json();
    assert.deepEqual({ ...body, error: undefined }, { success: false, files_completed: 1, bytes_transferred: 100, error: undefined });
    assert.match(String(body.error), /^missing\.npz: GET http:\/\/127\.0\.0\.1:\d+\/sync\/file\?path=missing\.npz answered HTTP 404 /);
    assert.equal(fs.existsSync(path.join(puller.root, 'data/missing.npz')), false);
    assert.deepEqual(partials(puller), []);
    await puller.close();
    puller = await startTestAgent({ token: 'another-token' });
    const refused = await pull(from(source.agent.port, ['ok.bin']), { Authorization: 'Bearer another-token' });
    assert.equal(refused.json().success, false);
    assert.match(String(refused.json().error), /answered HTTP 401/);
  });

  it('refuses hostile entries with 400 before fetching anything', async () => {
    [source, puller] = [await startTestAgent({ token }), await startTestAgent({ token })];
    place(source, 'data/ok.bin', bytesOf(100));
    for (const files of [['../../etc/passwd'], ['/etc/passwd'], ['a/../../x'], ['ok.bin', '../x'], ['a\0b'], [''], ['dir/'], [5], ['.x.ringrift-partial']]) {
      const r = await pull(from(source.agent.port, files));
      assert.equal(r.status, 400, JSON.stringify(files));
      assert.equal(r.json().code, 'bad_body');
      assert.match(String(r.json().error), /POST \/sync\/pull: files entry/);
    }
    assert.deepEqual(sourceFetches(), []);
    assert.deepEqual(listTree(puller.root), []);
  });

  it('400 for a body that is not a pull request; 401 without the token', async () => {
    [source, puller] = [await startTestAgent({ token }), await startTestAgent({ token })];
    const port = source.agent.port;
    const bad: unknown[] = ['not json', '[]', { source_host: '127.0.0.1', source_port: port, files: ['a'] }, { ...from(port, []) },
      { ...from(port, ['a']), source_port: 70000 }, { ...from(port, ['a']), source_host: 'user@127.0.0.1' }, { ...from(port, ['a']), source_host: '127.0.0.1/x' }];
    for (const body of bad) {
      const r = await pull(body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.json().code, 'bad_body');
    }
    const huge = JSON.stringify(from(port, Array.from({ length: 80_000 }, (_, i) => `file-${i}.npz`)));
    assert.ok(huge.length > 1 << 20);
    const tooLong = await pull(huge);
    assert.equal(tooLong.status, 400);
    assert.match(String(tooLong.json().error), /longer than 1048576 bytes/);
    assert.equal((await pull(from(port, ['a']), {})).status, 401);
    assert.deepEqual(sourceFetches(), []);
  });

  it('507 when the puller disk cannot hold a file: nothing of it written, the pull stops', async () => {
    [source, puller] = [await startTestAgent({ token }), await startTestAgent({ token, fakeFreeBytes: 1000 })];
    place(source, 'data/big.bin', bytesOf(5000));
    place(source, 'data/after.bin', bytesOf(10));
    const r = await pull(from(source.agent.port, ['big.bin', 'after.bin']));
    assert.equal(r.status, 507);
    assert.equal(r.json().code, 'disk_full');
    assert.equal(r.json().success, false);
    assert.match(String(r.json().error), /^big\.bin: test-node has 0\.0 MiB free/);
    assert.deepEqual(listTree(puller.root), []);
  });

  it('a source whose bytes do not match its X-Sha256: the old file stays, nothing else is left', async () => {
    const tampered = await fakeSource((res) => {
      res.writeHead(200, { 'X-Sha256': sha256('original'), 'Content-Length': 8 });
      res.end('tampered');
    });
    try {
      puller = await startTestAgent({ token });
      fs.mkdirSync(path.join(puller.root, 'data'));
      fs.writeFileSync(path.join(puller.root, 'data/f.bin'), 'old');
      const r = await pull(from(tampered.port, ['f.bin']));
      assert.equal(r.json().success, false);
      assert.match(String(r.json().error), /^f\.bin: data\/f\.bin: received bytes hash to [0-9a-f]{64}, the source announced [0-9a-f]{64}; dropped$/);
      assert.equal(fs.readFileSync(path.join(puller.root, 'data/f.bin'), 'utf8'), 'old');
      assert.deepEqual(partials(puller), []);
      assert.deepEqual(tampered.asked, ['/sync/file?path=f.bin']);
    } finally {
      await tampered.close();
    }
  });

  it('a source that stops sending mid-file fails that file after the idle bound; a closed port fails at once', async () => {
    const stalled = await fakeSource((res) => {
      res.writeHead(200, { 'Content-Length': 1000 });
      res.write(Buffer.alloc(10));
    });
    try {
      puller = await startTestAgent({ token, pullIdleTimeoutMs: 300 });
      const r = await pull(from(stalled.port, ['s.bin']));
      assert.equal(r.json().success, false);
      assert.match(String(r.json().error), /^s\.bin: writing data\/s\.bin: no data from the source for 300 ms after 10 bytes$/);
      assert.deepEqual(stalled.asked, ['/sync/file?path=s.bin']);
      assert.deepEqual(partials(puller), []);
    } finally {
      await stalled.close();
    }
    const closed = await fakeSource(() => undefined);
    await closed.close();
    const refused = await pull(from(closed.port, ['c.bin']));
    assert.equal(refused.json().success, false);
    assert.match(String(refused.json().error), /ECONNREFUSED/);
  });
});
