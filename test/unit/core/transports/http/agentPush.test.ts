import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { filesUrlPath, pushToAgent } from '../../../../../src/core/transports/http/agentPush';
import { forgetCellHashes } from '../../../../../src/core/transports/cellHashCache';
import type { AgentEndpoint } from '../../../../../src/core/transports/http/agentRequest';
import type { PushResult } from '../../../../../src/core/transports/transport';
import { bytesOf, sha256, sizeOf, startTestAgent, waitFor, type AgentFixture } from '../../../agent/agentFixture';
import { cuttingProxy, never, tempFile, testOptions, wireTap } from './agentFixtures';

describe('pushToAgent: the push shared by p2p and http', () => {
  let fx: AgentFixture;
  let cleanups: Array<() => void>;
  beforeEach(() => (cleanups = []));
  afterEach(async () => {
    await fx?.close();
    for (const c of cleanups) c();
  });

  const ep = (token?: string): AgentEndpoint => ({ kind: 'p2p', node: 'test-node', host: fx.agent.address, port: fx.agent.port, token });
  const local = (bytes: Buffer, name?: string) => {
    const t = tempFile(bytes, name);
    cleanups.push(t.cleanup);
    return t.file;
  };
  const push = (file: string, remotePath: string, opts = testOptions(), signal = never(), progress = (_d: number, _t: number) => undefined, token?: string): Promise<PushResult> =>
    pushToAgent(ep(token), opts, { localPath: file, remotePath }, progress, signal);
  const partialOf = (rel: string) => path.join(fx.root, path.dirname(rel), `.${path.basename(rel)}.ringrift-partial`);

  it('sends the file, which lands verified under the agent root', async () => {
    fx = await startTestAgent();
    const body = bytesOf(3 << 20);
    const r = await push(local(body), 'data/set.bin');
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.deepEqual({ bytes: r.bytes, bytesSent: r.bytesSent, sha256: r.sha256, remotePath: r.remotePath, skipped: r.skipped }, {
      bytes: body.length, bytesSent: body.length, sha256: sha256(body), remotePath: 'data/set.bin', skipped: undefined,
    });
    assert.equal(sha256(fs.readFileSync(path.join(fx.root, 'data/set.bin'))), sha256(body));
  });

  it('skips the transfer when the node already has the same content', async () => {
    fx = await startTestAgent();
    const body = bytesOf(100_000);
    fs.writeFileSync(path.join(fx.root, 'same.bin'), body);
    const r = await push(local(body), 'same.bin');
    assert.ok(r.ok);
    assert.equal(r.skipped, true);
    assert.equal(r.bytesSent, 0);
  });

  it('resumes from the partial the agent reports, sending only the rest', async () => {
    fx = await startTestAgent();
    const body = bytesOf(1 << 20, 2);
    fs.writeFileSync(partialOf('r.bin'), body.subarray(0, 400_000));
    const r = await push(local(body), 'r.bin');
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.equal(r.bytesSent, body.length - 400_000);
    assert.ok(fs.readFileSync(path.join(fx.root, 'r.bin')).equals(body));
  });

  it('restarts once from 0 when the partial was not this file\'s beginning (422)', async () => {
    fx = await startTestAgent();
    const body = bytesOf(1 << 20, 3);
    fs.writeFileSync(partialOf('r.bin'), bytesOf(400_000, 77));
    const r = await push(local(body), 'r.bin');
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.equal(r.bytesSent, body.length - 400_000 + body.length);
    assert.ok(fs.readFileSync(path.join(fx.root, 'r.bin')).equals(body));
  });

  it('disk_full with the figures when the agent has no room; the old file stays', async () => {
    fx = await startTestAgent({ fakeFreeBytes: 1 << 20 });
    fs.writeFileSync(path.join(fx.root, 'f.bin'), 'old');
    const r = await push(local(bytesOf(3 << 20)), 'f.bin');
    assert.ok(!r.ok);
    assert.equal(r.code, 'disk_full');
    assert.match(r.message, /3\.0 MiB needed, 1\.0 MiB free; nothing was written/);
    assert.equal(fs.readFileSync(path.join(fx.root, 'f.bin'), 'utf8'), 'old');
  });

  it('unauthorized without the token, through with it', async () => {
    fx = await startTestAgent({ token: 't0k' });
    const file = local(bytesOf(1000));
    const denied = await push(file, 'a.bin');
    assert.ok(!denied.ok);
    assert.equal(denied.code, 'unauthorized');
    assert.match(denied.message, /HTTP 401: agent wants a token/);
    const wrong = await push(file, 'a.bin', undefined, undefined, undefined, 'nope');
    assert.ok(!wrong.ok);
    assert.match(wrong.message, /rejected our token/);
    const r = await push(file, 'a.bin', undefined, undefined, undefined, 't0k');
    assert.ok(r.ok);
  });

  it('refuses absolute and climbing remote paths before any network traffic', async () => {
    fx = await startTestAgent();
    const file = local(bytesOf(10));
    const abs = await push(file, '/etc/x');
    assert.ok(!abs.ok);
    assert.equal(abs.code, 'absolute_path_over_http');
    const up = await push(file, '../x');
    assert.ok(!up.ok);
    assert.equal(up.code, 'path_escapes_base');
    assert.equal(fx.logs.length, 0);
  });

  it('a missing local file is local_read_failed, naming the file', async () => {
    fx = await startTestAgent();
    const r = await push('/nonexistent/file.bin', 'x.bin');
    assert.ok(!r.ok);
    assert.equal(r.code, 'local_read_failed');
    assert.match(r.message, /\/nonexistent\/file\.bin/);
  });

  it('names with spaces, quotes, $(), backticks and ; travel as data', async () => {
    fx = await startTestAgent();
    const name = `we'ird "name" $(touch x) \`id\`; rm -rf y.bin`;
    const r = await push(local(bytesOf(1000)), `dir with space/${name}`);
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.deepEqual(fs.readdirSync(path.join(fx.root, 'dir with space')), [name]);
    assert.equal(filesUrlPath('a b/c'), '/files/a%20b/c');
  });

  it('progress runs from 0 to the size, never backwards', async () => {
    fx = await startTestAgent();
    const body = bytesOf(2 << 20);
    const seen: Array<[number, number]> = [];
    const r = await push(local(body), 'p.bin', undefined, undefined, (d, t) => void seen.push([d, t]));
    assert.ok(r.ok);
    assert.deepEqual(seen[0], [0, body.length]);
    assert.deepEqual(seen.at(-1), [body.length, body.length]);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i][0] >= seen[i - 1][0]);
  });

  it('cancel mid-transfer returns within a second and leaves a resumable partial', async () => {
    fx = await startTestAgent({ stallAfterBytes: 1 << 20 });
    const body = bytesOf(4 << 20);
    const ac = new AbortController();
    let ticks = 0;
    const pending = push(local(body), 'c.bin', testOptions({ idleTimeoutMs: 30000 }), ac.signal, () => void ticks++);
    await waitFor(() => sizeOf(partialOf('c.bin')) === 1 << 20, 'the agent to hold 1 MiB');
    const t0 = Date.now();
    ac.abort();
    const r = await pending;
    assert.ok(Date.now() - t0 < 1000);
    assert.ok(!r.ok);
    assert.equal(r.code, 'cancelled');
    assert.match(r.message, /kept as a partial for the next attempt/);
    await waitFor(() => fx.logs.some((l) => l.includes('PUT /files/c.bin client-gone')), 'the agent to close the upload' + JSON.stringify(fx.logs));
    assert.equal(sizeOf(partialOf('c.bin')), 1 << 20);
    assert.ok(ticks >= 1);
  });

  it('a cut PUT reports how far the partial on the node moved, as the agent reports it, and the next push resumes there', async () => {
    fx = await startTestAgent();
    const proxy = await cuttingProxy(fx.agent, 3 << 20);
    cleanups.push(() => void proxy.close());
    const via: AgentEndpoint = { kind: 'p2p', node: 'test-node', host: '127.0.0.1', port: proxy.port };
    const body = bytesOf(8 << 20, 5);
    const file = local(body);
    const once = () => pushToAgent(via, testOptions(), { localPath: file, remotePath: 'cut.bin' }, () => undefined, never());
    const first = await once();
    assert.ok(!first.ok && first.partial, JSON.stringify(first));
    assert.equal(first.partial.before, 0);
    // The proxy let 3 MiB through, request head included; how much of it the agent had recorded
    // when the client asked is timing, but some of it always.
    assert.ok(first.partial.after > 0 && first.partial.after <= 3 << 20, `after ${first.partial.after}`);
    assert.ok(first.partial.after <= (sizeOf(partialOf('cut.bin')) ?? 0), 'never more than the agent holds');
    const second = await once();
    assert.ok(!second.ok && second.partial);
    assert.ok(second.partial.before >= first.partial.after && second.partial.after > second.partial.before, JSON.stringify(second.partial));
    assert.ok(!fs.existsSync(path.join(fx.root, 'cut.bin')), 'nothing at the final path until it is whole');
  });

  it('a push that never reached the agent says nothing about a partial (no progress)', async () => {
    fx = await startTestAgent();
    await fx.close();
    const r = await push(local(bytesOf(1000)), 'gone.bin');
    assert.ok(!r.ok);
    assert.equal(r.partial, undefined);
  });

  it('idle_timeout when the agent stops taking bytes; progress keeps ticking meanwhile', async () => {
    fx = await startTestAgent({ stallAfterBytes: 1 << 20 });
    const seen: number[] = [];
    const r = await push(local(bytesOf(16 << 20)), 'i.bin', testOptions({ idleTimeoutMs: 1200 }), never(), (d) => void seen.push(d));
    assert.ok(!r.ok);
    assert.equal(r.code, 'idle_timeout');
    assert.match(r.message, /no progress for 1\.2 s/);
    assert.ok(seen.length >= 2, `progress calls: ${seen.length}`);
  });
  it('hashes a file while sending it the first time; pushing it again sends the known sha256 up front', async () => {
    fx = await startTestAgent();
    forgetCellHashes();
    const tap = await wireTap(fx.agent);
    cleanups.push(() => void tap.close());
    const body = bytesOf(1 << 20, 12);
    const file = local(body);
    const via: AgentEndpoint = { kind: 'p2p', node: 'test-node', host: '127.0.0.1', port: tap.port };
    const first = await pushToAgent(via, testOptions(), { localPath: file, remotePath: 'one.bin' }, () => undefined, never());
    const again = await pushToAgent(via, testOptions(), { localPath: file, remotePath: 'two.bin' }, () => undefined, never());
    assert.ok(first.ok && again.ok);
    assert.equal(first.sha256, sha256(body));
    assert.equal(again.sha256, sha256(body));
    const puts = tap.heads.filter((h) => h.startsWith('PUT '));
    assert.equal(puts.length, 2);
    assert.match(puts[0], /\r\nTrailer: X-Sha256\r\n/i);
    assert.doesNotMatch(puts[0], /\r\nX-Sha256:/i);
    assert.match(puts[1], new RegExp(`\\r\\nX-Sha256: ${sha256(body)}\\r\\n`, 'i'));
  });
});
