import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentEndpoint } from '../../../../../src/core/transports/http/agentRequest';
import { uploadOnce, type UploadPlan } from '../../../../../src/core/transports/http/agentUpload';
import { bytesOf, sha256, startTestAgent, type AgentFixture } from '../../../agent/agentFixture';
import { never, tempFile } from './agentFixtures';

describe('uploadOnce: one streaming PUT', () => {
  let fx: AgentFixture;
  let cleanup: () => void;
  afterEach(async () => {
    await fx?.close();
    cleanup?.();
  });

  async function setup(body: Buffer): Promise<{ ep: AgentEndpoint; plan: (over: Partial<UploadPlan>) => UploadPlan }> {
    fx = await startTestAgent();
    const t = tempFile(body);
    cleanup = t.cleanup;
    const ep: AgentEndpoint = { kind: 'p2p', node: 'test-node', host: fx.agent.address, port: fx.agent.port };
    return { ep, plan: (over) => ({ file: t.file, urlPath: '/files/u.bin', size: body.length, offset: 0, connectTimeoutMs: 1000, idleTimeoutMs: 5000, ...over }) };
  }

  it('with the sha256 unknown, hashes on the side and sends it as a trailer', async () => {
    const body = bytesOf(5 << 20, 4);
    const { ep, plan } = await setup(body);
    let sent = 0;
    const r = await uploadOnce(ep, plan({}), (n) => (sent += n), never());
    assert.ok(r.reply.ok && r.reply.value.status === 201, JSON.stringify(r.reply));
    assert.equal(r.sha256, sha256(body));
    assert.equal(sent, body.length);
    assert.ok(fs.readFileSync(path.join(fx.root, 'u.bin')).equals(body));
  });

  it('with the sha256 known, sends it as a header and only the bytes from the offset', async () => {
    const body = bytesOf(1 << 20, 5);
    const { ep, plan } = await setup(body);
    fs.writeFileSync(path.join(fx.root, '.u.bin.ringrift-partial'), body.subarray(0, 1000));
    let sent = 0;
    const r = await uploadOnce(ep, plan({ offset: 1000, sha256: sha256(body) }), (n) => (sent += n), never());
    assert.ok(r.reply.ok && r.reply.value.status === 201, JSON.stringify(r.reply));
    assert.equal(r.sha256, undefined);
    assert.equal(sent, body.length - 1000);
  });

  it('resumes with the sha256 unknown too (the side hash covers the whole file)', async () => {
    const body = bytesOf(1 << 20, 6);
    const { ep, plan } = await setup(body);
    fs.writeFileSync(path.join(fx.root, '.u.bin.ringrift-partial'), body.subarray(0, 5000));
    const r = await uploadOnce(ep, plan({ offset: 5000 }), () => undefined, never());
    assert.ok(r.reply.ok && r.reply.value.status === 201, JSON.stringify(r.reply));
    assert.equal(r.sha256, sha256(body));
  });

  it('a file that shrinks under it fails as local_read_failed, naming the file', async () => {
    const body = bytesOf(1 << 20, 7);
    const { ep, plan } = await setup(body);
    const p = plan({ sha256: sha256(body) });
    fs.truncateSync(p.file, 1000);
    const r = await uploadOnce(ep, p, () => undefined, never());
    assert.ok(!r.reply.ok);
    assert.equal(r.reply.code, 'local_read_failed');
    assert.match(r.reply.message, /changed size while being sent/);
  });
});
