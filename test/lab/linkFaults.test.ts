import { strict as assert } from 'node:assert';
import { startLab, type Lab } from './lab';
import { send, startSink, tryConnect, type Sink } from './measure';
import { parseProfile } from './profiles';

const SINK_PORT = 9000;
const MiB = 1024 * 1024;

/** Faults of the link itself: a link that flaps, and an MTU black hole. */
describe('network lab: link flap, MTU black hole', function () {
  this.timeout(60000);
  let lab: Lab;
  let sink: Sink;

  before(async () => {
    lab = await startLab({ nodes: ['flappy', 'narrow'] });
    sink = await startSink(lab.node('narrow').ns, SINK_PORT);
  });
  after(async () => {
    await sink?.stop();
    await lab?.stop();
  });

  async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('flap: a connect while the link is down fails; once it is up again, connects work', async () => {
    await lab.setProfile('flappy', parseProfile('flap=2000/4000'));
    const host = lab.node('flappy').address;
    await until(() => !lab.linkUp('flappy'), 3000, 'the link did not go down');
    const down = await tryConnect(host, 22, 1000);
    assert.notEqual(down.result, 'connected', 'connect during the down phase');
    console.log(`      measured: connect while down: ${down.result} after ${down.ms.toFixed(0)} ms`);
    await until(() => lab.linkUp('flappy'), 5000, 'the link did not come back');
    const up = await tryConnect(host, 22, 2000);
    assert.equal(up.result, 'connected', `connect after the link came back: ${up.result}`);
    await lab.setProfile('flappy', []);
    assert.ok(lab.linkUp('flappy'), 'clearing the profile leaves the link up');
  });

  it('MTU black hole: small writes and requests get through, a large transfer stalls', async () => {
    await lab.setProfile('narrow', parseProfile('mtu-blackhole'));
    const host = lab.node('narrow').address;
    await send(host, SINK_PORT, 1000, 5, 'cubic');
    assert.equal((await sink.next(5000)).bytes, 1000, 'a one-packet write arrives');
    const health = await fetch(`http://${host}:8770/health`, { signal: AbortSignal.timeout(5000) });
    assert.equal(health.status, 200);
    await send(host, SINK_PORT, 4 * MiB, 3, 'cubic');
    const stalled = await sink.next(10000);
    assert.ok(stalled.bytes < 64 * 1024, `only ${stalled.bytes} bytes of 4 MiB should pass full-size packets`);
    await lab.setProfile('narrow', []);
    await send(host, SINK_PORT, 4 * MiB, 10, 'cubic');
    assert.equal((await sink.next(10000)).bytes, 4 * MiB, 'the same transfer passes once the MTU is back');
  });
});
