import { strict as assert } from 'node:assert';
import { missingRanges, rangeBytesFor } from '../../../../../src/core/byteRanges';
import { filesUrlPath } from '../../../../../src/core/transports/http/agentPush';
import { joinedRangeBound, RangeSender } from '../../../../../src/core/transports/http/rangeSender';
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

  it('settled at one stream, ranges go joined: two replies to wait for, not one per range', async () => {
    const body = bytesOf(24 * MiB, 6); // twelve 2 MiB ranges
    const { puts } = await send(body, 1);
    assert.equal(puts.length, 2);
    assert.match(puts[1], new RegExp(`\\r\\nx-range-end: ${body.length}\\r\\n`, 'i'));
  });

  it('a lone stream\'s first joined range is four ranges, the next ones 10 s at its own rate over the last (a short rest joins them)', async () => {
    const ends = (puts: string[]) => puts.map((h) => /\r\nx-range-end: (\d+)/i.exec(h)?.[1]);
    // Thirty-two 3 MiB ranges: 12 MiB first; loopback's rate then takes the rest in one request.
    assert.deepEqual(ends((await send(bytesOf(96 * MiB, 8), 1)).puts), [String(12 * MiB), String(96 * MiB)]);
  });

  it('joined ranges are bounded by the lone stream\'s measured rate, not a window\'s: a slow stream leaves ranges for more streams', () => {
    assert.equal(joinedRangeBound(3 * MiB, undefined), 12 * MiB, 'before any joined range landed: four ranges');
    assert.equal(joinedRangeBound(3 * MiB, 6e5), 12 * MiB, '~5 Mbit/s (6 MB in 10 s): still four ranges, not the rest of the file');
    assert.equal(joinedRangeBound(8 * MiB, 24e6), 240e6, '~190 Mbit/s: 10 s of it');
  });

  it('back to one stream after more were tried, the stream left goes on over a new connection (slow start, not a cut window)', async () => {
    // Two streams, until the first range lands; then settled at one.
    const scaler = { streams: 2, maxStreams: 16, observe: () => undefined };
    const body = bytesOf(32 * MiB, 7);
    const { connections, puts } = await send(body, scaler as unknown as StreamScaler, () => Object.assign(scaler, { streams: 1, maxStreams: 1 }));
    assert.equal(connections, 3, 'two streams, then a new connection for the one left');
    assert.equal(puts.length, 4, 'a range on each of the two streams, then four joined, then the rest as one range');
  });
});
