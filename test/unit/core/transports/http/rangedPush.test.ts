import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pushToAgent } from '../../../../../src/core/transports/http/agentPush';
import { rangeBytesFor } from '../../../../../src/core/byteRanges';
import type { PushResult, TransportOptions } from '../../../../../src/core/transports/transport';
import { bytesOf, rawRequest, sha256, startTestAgent, type AgentFixture } from '../../../agent/agentFixture';
import { never, tempFile, testOptions, wireTap } from './agentFixtures';

const MiB = 1 << 20;

describe('ranged push to our agent (ranged_put)', () => {
  let fx: AgentFixture;
  let cleanups: Array<() => Promise<void> | void>;
  beforeEach(() => (cleanups = []));
  afterEach(async () => {
    for (const c of cleanups) await c();
    await fx?.close();
  });

  /** Pushes through a wire tap (one entry per TCP connection) to an in-process agent. */
  async function push(body: Buffer, remotePath: string, opts: Partial<TransportOptions>, rangedPut = true): Promise<{ r: PushResult; heads: string[]; requests: string[] }> {
    const t = tempFile(body);
    cleanups.push(t.cleanup);
    const tap = await wireTap(fx.agent);
    cleanups.push(() => tap.close());
    const ep = { kind: 'p2p' as const, node: 'test-node', host: '127.0.0.1', port: tap.port };
    const r = await pushToAgent(ep, testOptions(opts), { localPath: t.file, remotePath }, () => undefined, never(), { rangedPut });
    return { r, heads: tap.heads, requests: tap.requests };
  }
  const rangeHeads = (heads: string[]) => heads.filter((h) => /\r\nx-range-start: /i.test(h));

  it('cuts a file on a grid that depends on its size only, 2 to 16 MiB a range', () => {
    assert.equal(rangeBytesFor(8 * MiB), 2 * MiB);
    assert.equal(rangeBytesFor(128 * MiB), 4 * MiB);
    assert.equal(rangeBytesFor(96 * MiB), 3 * MiB);
    assert.equal(rangeBytesFor(4096 * MiB), 16 * MiB);
  });

  it('a stream keeps its connection for its next range: 4 ranges over 2 streams open 2 connections', async () => {
    fx = await startTestAgent();
    const body = bytesOf(8 * MiB, 3); // 2 MiB ranges
    const { r, heads } = await push(body, 'k/big.bin', { streams: 2 });
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.equal(r.streams, 2);
    assert.equal(rangeHeads(heads).length, 2, 'one connection per stream, not per range');
    assert.equal(sha256(fs.readFileSync(path.join(fx.root, 'k/big.bin'))), sha256(body));
    assert.equal(fx.logs.filter((l) => /PUT \/files\/k\/big\.bin 202 /.test(l)).length, 4, 'four ranges landed');
  });

  it('sends a big file as ranges, each stream on its own TCP connection, then commits on the last one; verified, nothing left beside it', async () => {
    fx = await startTestAgent();
    const body = bytesOf(12 * MiB);
    const { r, heads, requests } = await push(body, 'd/big.bin', { streams: 3 });
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.equal(r.streams, 3);
    assert.equal(r.bytesSent, body.length);
    assert.ok((r.rateBytesPerS ?? 0) > 0);
    assert.equal(rangeHeads(heads).length, 3, 'six 2 MiB ranges, one connection per stream');
    assert.equal(requests.filter((h) => /\r\nx-ranged-commit: 1/i.test(h)).length, 1, 'one commit');
    assert.equal(heads.length, 4, 'the HEAD, then the three streams: the commit went on the last one, no connection of its own');
    assert.equal(sha256(fs.readFileSync(path.join(fx.root, 'd/big.bin'))), sha256(body));
    assert.deepEqual(fs.readdirSync(path.join(fx.root, 'd')), ['big.bin']);
  });

  it('streams 1, a small file, or an agent without ranged_put: the single-stream PUT', async () => {
    fx = await startTestAgent();
    for (const [name, size, opts, ranged] of [['one.bin', 8 * MiB, { streams: 1 }, true], ['small.bin', 2 * MiB, {}, true], ['old.bin', 8 * MiB, {}, false]] as const) {
      const body = bytesOf(size, size);
      const { r, heads } = await push(body, name, opts, ranged);
      assert.ok(r.ok, r.ok ? '' : r.message);
      assert.equal(r.streams, 1, name);
      assert.equal(rangeHeads(heads).length, 0, name);
      assert.equal(sha256(fs.readFileSync(path.join(fx.root, name))), sha256(body));
    }
  });

  it('resumes at range granularity: only the ranges the agent lacks are sent', async () => {
    fx = await startTestAgent();
    const body = bytesOf(8 * MiB, 3); // 2 MiB ranges
    // Ranges 2 and 4 of 4 are on the node already, landed out of order.
    for (const start of [6 * MiB, 2 * MiB]) {
      const part = body.subarray(start, start + 2 * MiB);
      const headers = { 'X-Total-Size': body.length, 'X-Sha256': sha256(body), 'X-Range-Start': start, 'X-Range-End': start + 2 * MiB, 'X-Range-Sha256': sha256(part), 'Content-Length': part.length };
      assert.equal((await rawRequest(fx.agent, 'PUT', '/files/r.bin', headers, part)).status, 202);
    }
    const { r, heads } = await push(body, 'r.bin', { streams: 2 });
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.equal(r.bytesSent, 4 * MiB);
    assert.deepEqual(rangeHeads(heads).map((h) => Number(/\r\nx-range-start: (\d+)/i.exec(h)?.[1])).sort((a, b) => a - b), [0, 4 * MiB]);
    assert.equal(sha256(fs.readFileSync(path.join(fx.root, 'r.bin'))), sha256(body));
  });
});
