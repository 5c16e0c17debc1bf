import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bytesOf, putHeaders, rawRequest, sha256, startTestAgent, type AgentFixture } from './agentFixture';

describe('agent GET /files/<rel>, GET /files/info, GET /sync/file', () => {
  let fx: AgentFixture;
  afterEach(async () => fx?.close());
  const content = bytesOf(1 << 20, 7);
  const place = (rel: string, bytes = content) => {
    fs.mkdirSync(path.dirname(path.join(fx.root, rel)), { recursive: true });
    fs.writeFileSync(path.join(fx.root, rel), bytes);
  };

  it('GET /files/data/<rel> returns ROOT/data/<rel>, the file PUT /files/data/<rel> wrote', async () => {
    fx = await startTestAgent();
    const put = await rawRequest(fx.agent, 'PUT', '/files/data/test/f1.npz', putHeaders(content), content);
    assert.equal(put.status, 201);
    const r = await rawRequest(fx.agent, 'GET', '/files/data/test/f1.npz');
    assert.equal(r.status, 200);
    assert.equal(r.headers['accept-ranges'], 'bytes');
    assert.equal(r.headers['content-length'], String(content.length));
    assert.ok(r.bytes.equals(content));
  });

  it('GET /files/models/<rel> returns ROOT/models/<rel>; names are percent-decoded', async () => {
    fx = await startTestAgent();
    place('models/v 1/m$(x).pt');
    const r = await rawRequest(fx.agent, 'GET', `/files/models/v%201/${encodeURIComponent('m$(x).pt')}`);
    assert.equal(r.status, 200);
    assert.ok(r.bytes.equals(content));
  });

  it('Range: 206 with Content-Range and exactly the bytes asked for (a-b, a-, -n)', async () => {
    fx = await startTestAgent();
    place('data/r.bin');
    const cases: Array<[string, number, number]> = [['bytes=0-9', 0, 9], ['bytes=1000-', 1000, content.length - 1], ['bytes=-100', content.length - 100, content.length - 1],
      ['bytes=5-99999999', 5, content.length - 1]];
    for (const [range, start, end] of cases) {
      const r = await rawRequest(fx.agent, 'GET', '/files/data/r.bin', { Range: range });
      assert.equal(r.status, 206, range);
      assert.equal(r.headers['content-range'], `bytes ${start}-${end}/${content.length}`, range);
      assert.ok(r.bytes.equals(content.subarray(start, end + 1)), range);
    }
  });

  it('Range: 416 past the end; a range it does not take (several, reversed) gets the whole file with 200', async () => {
    fx = await startTestAgent();
    place('data/r.bin');
    const past = await rawRequest(fx.agent, 'GET', '/files/data/r.bin', { Range: `bytes=${content.length}-` });
    assert.equal(past.status, 416);
    assert.equal(past.headers['content-range'], `bytes */${content.length}`);
    for (const range of ['bytes=0-1,5-6', 'bytes=9-5', 'items=0-5']) {
      const r = await rawRequest(fx.agent, 'GET', '/files/data/r.bin', { Range: range });
      assert.equal(r.status, 200, range);
      assert.ok(r.bytes.equals(content), range);
    }
  });

  it('GET of a missing file, a directory, a partial name or a path leaving the root: 404 or 400', async () => {
    fx = await startTestAgent();
    fs.mkdirSync(path.join(fx.root, 'data/dir'), { recursive: true });
    const missing = await rawRequest(fx.agent, 'GET', '/files/data/none.npz');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json(), { error: 'File not found: data/none.npz (on test-node)', code: 'not_found' });
    assert.equal((await rawRequest(fx.agent, 'GET', '/files/data/dir')).status, 404);
    for (const bad of ['/files/data/../../etc/passwd', '/files/data/%2E%2E/x', '/files/data/.x.ringrift-partial']) {
      assert.equal((await rawRequest(fx.agent, 'GET', bad)).status, 400, bad);
    }
  });

  it('a symlinked directory leading out of the root: GET, /files/info, /sync/file and an upload are refused', async () => {
    fx = await startTestAgent();
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-outside-'));
    try {
      fs.writeFileSync(path.join(outside, 'secret'), 'secret');
      fs.mkdirSync(path.join(fx.root, 'data'));
      fs.symlinkSync(outside, path.join(fx.root, 'data/out'));
      for (const url of ['/files/data/out/secret', '/files/info?path=out/secret&type=data', '/sync/file?path=out/secret']) {
        const r = await rawRequest(fx.agent, 'GET', url);
        assert.equal(r.status, 400, url);
        assert.match(String(r.json().error), /leads outside the agent root through a symlink/);
      }
      const form = new FormData();
      form.append('path', 'data/out/planted');
      form.append('file', new Blob(['x']), 'planted');
      assert.equal((await fetch(`${fx.agent.url}/files/upload`, { method: 'POST', body: form })).status, 400);
      assert.deepEqual(fs.readdirSync(outside), ['secret']);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('GET /files/info: size, mtime, sha256 and a working url; type defaults to model', async () => {
    fx = await startTestAgent();
    place('data/test/f1.npz');
    const r = await rawRequest(fx.agent, 'GET', '/files/info?path=test/f1.npz&type=data');
    assert.equal(r.status, 200);
    const info = r.json();
    assert.deepEqual({ ...info, modified: undefined }, { path: 'test/f1.npz', type: 'data', size: content.length, sha256: sha256(content), url: '/files/data/test/f1.npz', modified: undefined });
    assert.equal(info.modified, fs.statSync(path.join(fx.root, 'data/test/f1.npz')).mtimeMs / 1000);
    const viaUrl = await rawRequest(fx.agent, 'GET', String(info.url));
    assert.ok(viaUrl.bytes.equals(content));
    const asModel = await rawRequest(fx.agent, 'GET', '/files/info?path=test/f1.npz');
    assert.equal(asModel.status, 404);
    assert.deepEqual(asModel.json(), { error: 'File not found: test/f1.npz', code: 'not_found' });
  });

  it('GET /files/info: 400 for a missing path, an unknown type or ..', async () => {
    fx = await startTestAgent();
    for (const q of ['', '?type=data', '?path=x&type=datas', '?path=../x&type=data', '?path=/etc/passwd']) {
      const r = await rawRequest(fx.agent, 'GET', `/files/info${q}`);
      assert.equal(r.status, 400, q);
    }
  });

  it('GET /sync/file?path=<rel>: ROOT/data/<rel> with X-Sha256; 404, 400 for .., 401 without the token', async () => {
    fx = await startTestAgent({ token: 'tok' });
    place('data/pulled/p1.npz');
    const auth = { Authorization: 'Bearer tok' };
    const r = await rawRequest(fx.agent, 'GET', `/sync/file?path=${encodeURIComponent('pulled/p1.npz')}`, auth);
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-sha256'], sha256(content));
    assert.ok(r.bytes.equals(content));
    assert.equal((await rawRequest(fx.agent, 'GET', '/sync/file?path=pulled/none.npz', auth)).status, 404);
    assert.equal((await rawRequest(fx.agent, 'GET', '/sync/file?path=../x', auth)).status, 400);
    assert.equal((await rawRequest(fx.agent, 'GET', '/sync/file', auth)).status, 400);
    assert.equal((await rawRequest(fx.agent, 'GET', '/sync/file?path=pulled/p1.npz')).status, 401);
  });
});
