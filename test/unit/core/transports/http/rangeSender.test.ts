import { strict as assert } from 'node:assert';
import { missingRanges, rangeBytesFor } from '../../../../../src/core/byteRanges';
import { filesUrlPath } from '../../../../../src/core/transports/http/agentPush';
import { RangeSender } from '../../../../../src/core/transports/http/rangeSender';
import { StreamScaler } from '../../../../../src/core/transports/streamCount';
import { bytesOf, sha256, startTestAgent, type AgentFixture } from '../../../agent/agentFixture';
import { never, tempFile, wireTap } from './agentFixtures';

const MiB = 1 << 20;

describe('range sender (one round of a ranged upload)', () => {
  let fx: AgentFixture;
  let cleanups: Array<() => Promise<void> | void>;
  beforeEach(() => (cleanups = []));
  afterEach(async () => {
    for (const c of cleanups) await c();
    await fx?.close();
  });

  /**
   * Sends every range of `body` through a wire tap at `streams` (a fixed count, or a scaler);
   * `landed` runs as each range ends. Returns the ranged PUTs' heads and the connections opened.
   */
  async function send(body: Buffer, streams: number | StreamScaler, landed: () => void = () => undefined): Promise<{ puts: string[]; connections: number }> {
    fx = await startTestAgent();
    const t = tempFile(body);
    cleanups.push(t.cleanup);
    const tap = await wireTap(fx.agent);
    cleanups.push(() => tap.close());
    const ep = { kind: 'p2p' as const, node: 'test-node', host: '127.0.0.1', port: tap.port };
    const f = { file: t.file, rel: 'r/big.bin', urlPath: filesUrlPath('r/big.bin'), size: body.length, sha256: sha256(body) };
    const deps = { ep, f, timing: { connectTimeoutMs: 1000, idleTimeoutMs: 5000 }, meter: { onNode: 0, sent: 0 }, scaler: typeof streams === 'number' ? new StreamScaler(streams) : streams, signal: never() };
    const sender = new RangeSender(deps, missingRanges([], body.length, rangeBytesFor(body.length)), 0);
    const end = sender.progress.end.bind(sender.progress);
    sender.progress.end = (range, ok) => (end(range, ok), landed());
    assert.equal(await sender.run(), undefined);
    assert.equal(sender.progress.landedBytes, body.length);
    const ranged = (h: string) => /\r\nx-range-start: /i.test(h);
    return { puts: tap.requests.filter(ranged), connections: tap.heads.filter(ranged).length };
  }

  it('no range waits for 100 Continue: the HEAD before them found the transfer welcome', async () => {
    const { puts } = await send(bytesOf(8 * MiB, 5), 2);
    assert.equal(puts.length, 4, 'four 2 MiB ranges');
    assert.equal(puts.filter((h) => /\r\nexpect:/i.test(h)).length, 0);
  });

  it('settled at one stream, ranges go joined: one reply to wait for, not one per range', async () => {
    const body = bytesOf(24 * MiB, 6);
    const { puts } = await send(body, 1);
    assert.equal(puts.length, 1);
    assert.match(puts[0], new RegExp(`\\r\\nx-range-end: ${body.length}\\r\\n`, 'i'));
  });

  it('joined ranges stay within 10 s at the last window\'s rate, 64 MiB at least (a short rest joins them): ranges are left for more streams when the scaler tries again', async () => {
    const ends = (puts: string[]) => puts.map((h) => /\r\nx-range-end: (\d+)/i.exec(h)?.[1]);
    const unmeasured = await send(bytesOf(96 * MiB, 8), 1); // thirty-two 3 MiB ranges
    assert.deepEqual(ends(unmeasured.puts), [String(63 * MiB), String(96 * MiB)]);
    await fx?.close();
    const slow = { streams: 1, maxStreams: 1, windowRate: 4 * MiB, observe: () => undefined }; // 40 MiB in 10 s: the floor
    assert.deepEqual(ends((await send(bytesOf(96 * MiB, 8), slow as unknown as StreamScaler)).puts), [String(63 * MiB), String(96 * MiB)]);
    await fx?.close();
    const fast = { ...slow, windowRate: 24 * MiB }; // ~200 Mbit/s: 240 MiB in 10 s
    assert.deepEqual(ends((await send(bytesOf(96 * MiB, 8), fast as unknown as StreamScaler)).puts), [String(96 * MiB)]);
    await fx?.close();
    // 80 MiB in 10 s, and what is left after it is under a quarter of that: it joins (no round trip for 18 MiB).
    const nearly = { ...slow, windowRate: 8 * MiB };
    assert.deepEqual(ends((await send(bytesOf(96 * MiB, 8), nearly as unknown as StreamScaler)).puts), [String(96 * MiB)]);
  });

  it('back to one stream after more were tried, the stream left goes on over a new connection (slow start, not a cut window)', async () => {
    // Two streams, until the first range lands; then settled at one.
    const scaler = { streams: 2, maxStreams: 16, observe: () => undefined };
    const body = bytesOf(32 * MiB, 7);
    const { connections, puts } = await send(body, scaler as unknown as StreamScaler, () => Object.assign(scaler, { streams: 1, maxStreams: 1 }));
    assert.equal(connections, 3, 'two streams, then a new connection for the one left');
    assert.equal(puts.length, 3, 'a range on each of the two streams, then the rest as one range');
  });
});
