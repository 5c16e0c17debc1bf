import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bytesOf, putHeaders, rawRequest, sha256, startTestAgent, type AgentFixture } from './agentFixture';

describe('agent server: health, status, HEAD, token, logging', () => {
  let fx: AgentFixture;
  afterEach(async () => fx?.close());

  it('answers GET /health with the orchestrator fields, its own contract and the ringrift_sync extras', async () => {
    fx = await startTestAgent();
    const r = await rawRequest(fx.agent, 'GET', '/health');
    assert.equal(r.status, 200);
    const { uptime_seconds, timestamp, disk_percent, ...fixed } = r.json();
    assert.deepEqual(fixed, {
      healthy: true,
      node_id: 'test-node',
      role: 'agent',
      status: 'ok',
      node: 'test-node',
      version: '9.9.9',
      ringrift_sync: { version: '9.9.9', extensions: ['resumable_put', 'range', 'ranged_put'], auth: 'open' },
    });
    assert.ok(typeof uptime_seconds === 'number' && uptime_seconds >= 0);
    assert.ok(typeof timestamp === 'number' && Math.abs(timestamp - Date.now() / 1000) < 3600, `timestamp ${timestamp} is epoch seconds`);
    assert.ok(typeof disk_percent === 'number' && disk_percent >= 0 && disk_percent <= 100);
  });

  it('GET /health answers without a token and says whether the one sent would be accepted', async () => {
    fx = await startTestAgent({ token: 'tok-123', fakeFreeBytes: 0 });
    const auth = async (headers: Record<string, string>) => {
      const r = await rawRequest(fx.agent, 'GET', '/health', headers);
      assert.equal(r.status, 200);
      assert.equal(r.json().healthy, true);
      return (r.json().ringrift_sync as { auth: string }).auth;
    };
    assert.equal(await auth({}), 'missing');
    assert.equal(await auth({ Authorization: 'Bearer nope' }), 'rejected');
    assert.equal(await auth({ Authorization: 'Bearer tok-123' }), 'accepted');
    assert.equal(await auth({ 'X-RingRift-Auth': 'tok-123' }), 'accepted');
    assert.equal((await rawRequest(fx.agent, 'GET', '/health')).json().disk_percent, 100);
  });

  it('answers GET /status with uptime, root and the disk figures of its root', async () => {
    fx = await startTestAgent();
    const s = (await rawRequest(fx.agent, 'GET', '/status')).json() as { node: string; version: string; uptimeS: number; root: string; disk: { freeBytes: number; totalBytes: number } };
    assert.equal(s.node, 'test-node');
    assert.equal(s.version, '9.9.9');
    assert.equal(s.root, fx.root);
    assert.ok(Number.isInteger(s.uptimeS) && s.uptimeS >= 0);
    assert.ok(s.disk.totalBytes > 0 && s.disk.freeBytes > 0 && s.disk.freeBytes <= s.disk.totalBytes);
  });

  it('reports the test-only fake free bytes in /status', async () => {
    fx = await startTestAgent({ fakeFreeBytes: 1234 });
    const s = (await rawRequest(fx.agent, 'GET', '/status')).json() as { disk: { freeBytes: number } };
    assert.equal(s.disk.freeBytes, 1234);
  });

  it('says which endpoints exist for an unknown path and which methods a known one takes', async () => {
    fx = await startTestAgent();
    const unknown = await rawRequest(fx.agent, 'GET', '/nope');
    assert.equal(unknown.status, 404);
    for (const endpoint of ['GET /health', 'GET /status', 'GET /files/info', 'POST /files/upload', 'GET|HEAD|PUT /files/<path>', 'GET /sync/file', 'POST /sync/pull']) {
      assert.ok(String(unknown.json().error).includes(endpoint), endpoint);
    }
    const allowed = async (method: string, p: string) => {
      const r = await rawRequest(fx.agent, method, p);
      assert.equal(r.status, 405, `${method} ${p}`);
      assert.equal(r.json().code, 'method_not_allowed');
      return r.headers.allow;
    };
    assert.equal(await allowed('DELETE', '/files/a'), 'GET, HEAD, PUT');
    assert.equal(await allowed('POST', '/health'), 'GET');
    assert.equal(await allowed('POST', '/files/info'), 'GET, HEAD, PUT');
    assert.equal(await allowed('DELETE', '/files/upload'), 'GET, HEAD, POST, PUT');
    assert.equal(await allowed('GET', '/sync/pull'), 'POST');
    assert.equal(await allowed('PUT', '/sync/file'), 'GET');
  });

  it('HEAD: 404 for a missing file, 200 with X-Size and X-Sha256 for a present one', async () => {
    fx = await startTestAgent();
    assert.equal((await rawRequest(fx.agent, 'HEAD', '/files/missing.bin')).status, 404);
    const content = bytesOf(100_000);
    fs.mkdirSync(path.join(fx.root, 'd'));
    fs.writeFileSync(path.join(fx.root, 'd', 'f.bin'), content);
    const r = await rawRequest(fx.agent, 'HEAD', '/files/d/f.bin');
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-size'], '100000');
    assert.equal(r.headers['x-sha256'], sha256(content));
    assert.equal(r.headers['x-partial-size'], undefined);
  });

  it('HEAD: X-Partial-Size tells where a waiting upload stands, with or without a target', async () => {
    fx = await startTestAgent();
    fs.writeFileSync(path.join(fx.root, '.new.bin.ringrift-partial'), bytesOf(700));
    const onlyPartial = await rawRequest(fx.agent, 'HEAD', '/files/new.bin');
    assert.equal(onlyPartial.status, 404);
    assert.equal(onlyPartial.headers['x-partial-size'], '700');
    fs.writeFileSync(path.join(fx.root, 'new.bin'), 'old');
    const both = await rawRequest(fx.agent, 'HEAD', '/files/new.bin');
    assert.equal(both.status, 200);
    assert.equal(both.headers['x-partial-size'], '700');
  });

  it('with a token: 401 without it or with a wrong one on every endpoint but /health; served with it', async () => {
    fx = await startTestAgent({ token: 'tok-123' });
    const body = bytesOf(10);
    const endpoints = [['GET', '/status'], ['HEAD', '/files/x'], ['PUT', '/files/x'], ['GET', '/files/data/x'], ['GET', '/files/info?path=x'],
      ['POST', '/files/upload'], ['GET', '/sync/file?path=x'], ['POST', '/sync/pull'], ['GET', '/nope']] as const;
    for (const [method, p] of endpoints) {
      const headers = method === 'PUT' ? putHeaders(body) : {};
      const send = method === 'PUT' ? body : undefined;
      assert.equal((await rawRequest(fx.agent, method, p, headers, send)).status, 401, `${method} ${p} without token`);
      assert.equal((await rawRequest(fx.agent, method, p, { ...headers, Authorization: 'Bearer tok-12' }, send)).status, 401, `${method} ${p} wrong token`);
      assert.equal((await rawRequest(fx.agent, method, p, { ...headers, 'X-RingRift-Auth': 'tok-12' }, send)).status, 401, `${method} ${p} wrong X-RingRift-Auth`);
    }
    assert.equal(fs.existsSync(path.join(fx.root, 'x')), false);
    assert.equal((await rawRequest(fx.agent, 'GET', '/health')).status, 200);
    assert.equal((await rawRequest(fx.agent, 'GET', '/status', { Authorization: 'Bearer tok-123' })).status, 200);
    assert.equal((await rawRequest(fx.agent, 'GET', '/status', { 'X-RingRift-Auth': 'tok-123' })).status, 200);
    const put = await rawRequest(fx.agent, 'PUT', '/files/x', { ...putHeaders(body), Authorization: 'Bearer tok-123' }, body);
    assert.equal(put.status, 201);
  });

  it('logs one line per request: method, path, status, bytes, milliseconds', async () => {
    fx = await startTestAgent();
    const body = bytesOf(4321);
    await rawRequest(fx.agent, 'PUT', '/files/logged.bin', putHeaders(body), body);
    await new Promise((r) => setImmediate(r));
    assert.match(fx.logs.at(-1) ?? '', /^\S+Z PUT \/files\/logged\.bin 201 4321B \d+ms$/);
  });
});
