import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli, spawnAgent, waitForOutput, type AgentProcess } from './agentProcess';

/** `ringrift-sync agent` as an operator runs it: a real process on a loopback address. */

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url}`)));
    req.on('error', reject);
  });
}

describe('ringrift-sync agent (child process)', function () {
  this.timeout(30000);
  let work: string;
  let agent: AgentProcess | undefined;
  before(() => (work = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-agent-cli-'))));
  afterEach(async () => {
    await agent?.stop('SIGKILL');
    agent = undefined;
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('prints where it listens, serves /health under its name, logs each request, stops on SIGTERM', async () => {
    agent = await spawnAgent({ address: '127.0.41.10', root: path.join(work, 'a'), name: 'gpu-7' });
    assert.match(agent.proc.output(), new RegExp(`listening on http://127\\.0\\.41\\.10:${agent.port} root ${path.join(work, 'a')}`));
    const health = await get(`${agent.url}/health`);
    assert.equal(health.status, 200);
    const body = JSON.parse(health.body) as Record<string, unknown>;
    assert.deepEqual({ status: body.status, node: body.node, version: body.version }, { status: 'ok', node: 'gpu-7', version: '0.1.0' });
    assert.deepEqual({ healthy: body.healthy, node_id: body.node_id, role: body.role }, { healthy: true, node_id: 'gpu-7', role: 'agent' });
    assert.deepEqual(body.ringrift_sync, { version: '0.1.0', extensions: ['resumable_put', 'range', 'ranged_put'], auth: 'open' });
    await waitForOutput(agent.proc, /Z GET \/health 200 0B \d+ms/);
    const exited = new Promise<number | null>((r) => agent!.proc.child.once('exit', (code) => r(code)));
    agent.proc.child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(agent.proc.output(), /agent stopped/);
    assert.doesNotMatch(agent.proc.output(), /\n\s+at /, 'no stack trace');
  });

  it('wants the token when started with --token, except on /health', async () => {
    agent = await spawnAgent({ address: '127.0.41.11', root: path.join(work, 'b'), args: ['--token', 's3'] });
    assert.equal((await get(`${agent.url}/status`)).status, 401);
    assert.equal((await get(`${agent.url}/status`, { Authorization: 'Bearer s3' })).status, 200);
    assert.equal((await get(`${agent.url}/status`, { 'X-RingRift-Auth': 's3' })).status, 200);
    const health = await get(`${agent.url}/health`);
    assert.equal(health.status, 200);
    assert.equal(JSON.parse(health.body).ringrift_sync.auth, 'missing');
  });

  it('reports fake free bytes from --fake-free-bytes or RINGRIFT_AGENT_FAKE_FREE_BYTES (test only)', async () => {
    agent = await spawnAgent({ address: '127.0.41.12', root: path.join(work, 'c'), args: ['--fake-free-bytes', '4096'] });
    assert.equal(JSON.parse((await get(`${agent.url}/status`)).body).disk.freeBytes, 4096);
    await agent.stop();
    agent = await spawnAgent({ address: '127.0.41.12', root: path.join(work, 'c'), env: { RINGRIFT_AGENT_FAKE_FREE_BYTES: '777' } });
    assert.equal(JSON.parse((await get(`${agent.url}/status`)).body).disk.freeBytes, 777);
  });

  it('exit 2 with a one-line reason for a missing or absent --root, and for a port in use', async () => {
    const noRoot = await runCli(['agent', '--port', '0', '--bind', '127.0.41.13']);
    assert.equal(noRoot.code, 2);
    assert.match(noRoot.output, /--root DIR is required/);
    const absent = await runCli(['agent', '--port', '0', '--bind', '127.0.41.13', '--root', path.join(work, 'nope')]);
    assert.equal(absent.code, 2);
    assert.match(absent.output, /is not an existing directory; create it first/);
    agent = await spawnAgent({ address: '127.0.41.13', root: path.join(work, 'd') });
    const clash = await runCli(['agent', '--port', String(agent.port), '--bind', '127.0.41.13', '--root', path.join(work, 'd')]);
    assert.equal(clash.code, 1);
    assert.match(clash.output, /cannot listen on 127\.0\.41\.13:\d+: .*EADDRINUSE/);
  });
  it('SIGTERM during an upload: exits 0, the partial stays for resume, no target appears', async () => {
    const root = path.join(work, 'e');
    agent = await spawnAgent({ address: '127.0.41.14', root, env: { RINGRIFT_AGENT_FAULT_STALL_AFTER_BYTES: String(1 << 20) } });
    const body = Buffer.alloc(4 << 20, 1);
    const req = http.request({ host: agent.address, port: agent.port, method: 'PUT', path: '/files/up.bin', agent: false,
      headers: { 'X-Sha256': '0'.repeat(64), 'X-Total-Size': body.length, 'Content-Length': body.length } });
    req.on('error', () => undefined);
    req.write(body);
    const partial = path.join(root, '.up.bin.ringrift-partial');
    const deadline = Date.now() + 5000;
    while ((fs.statSync(partial, { throwIfNoEntry: false })?.size ?? 0) < 1 << 20) {
      assert.ok(Date.now() < deadline, 'the upload did not start');
      await new Promise((r) => setTimeout(r, 20));
    }
    const exited = new Promise<number | null>((r) => agent!.proc.child.once('exit', (code) => r(code)));
    agent.proc.child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.equal(fs.statSync(partial).size, 1 << 20);
    assert.equal(fs.existsSync(path.join(root, 'up.bin')), false);
    req.destroy();
  });
});
