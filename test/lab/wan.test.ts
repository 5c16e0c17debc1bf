import { strict as assert } from 'node:assert';
import { startLab, type Lab } from './lab';
import { medianConnectMs, startSink, streamMbit, tryConnect, type Sink } from './measure';
import { parseProfile } from './profiles';

const SINK_PORT = 9000;

/**
 * The WAN profiles, proven by measurement: latency from the TUN delay line, the tbf rate cap, and
 * loss that holds a CUBIC sender far below the cap while BBR shrugs it off. Coarse bounds only.
 */
describe('network lab: latency, rate, loss', function () {
  this.timeout(120000);
  let lab: Lab;
  let clean: Sink;
  let shaped: Sink;
  const log: string[] = [];

  before(async () => {
    lab = await startLab({ nodes: ['clean', 'shaped'] });
    clean = await startSink(lab.node('clean').ns, SINK_PORT);
    shaped = await startSink(lab.node('shaped').ns, SINK_PORT);
  });
  after(async () => {
    console.log(`      measured: ${log.join('; ')}`);
    await clean?.stop();
    await shaped?.stop();
    await lab?.stop();
  });

  const addr = (name: string) => lab.node(name).address;

  it('rtt=40: a TCP connect takes >= 35 ms, on a clean link well under that', async () => {
    await lab.setProfile('shaped', parseProfile('rtt=40'));
    const slow = await medianConnectMs(addr('shaped'), 22);
    const fast = await medianConnectMs(addr('clean'), 22);
    log.push(`connect rtt=40 ${slow.toFixed(1)} ms, clean ${fast.toFixed(2)} ms`);
    assert.ok(slow >= 35 && slow < 200, `connect over rtt=40 took ${slow} ms`);
    assert.ok(fast < 10, `clean connect took ${fast} ms`);
  });

  it('rtt=40/20: jitter spreads connect times without going under the base RTT', async () => {
    await lab.setProfile('shaped', parseProfile('rtt=40/20'));
    const times: number[] = [];
    for (let i = 0; i < 9; i++) times.push((await tryConnect(addr('shaped'), 22, 5000)).ms);
    const [min, max] = [Math.min(...times), Math.max(...times)];
    log.push(`connect rtt=40/20 ${min.toFixed(0)}-${max.toFixed(0)} ms`);
    assert.ok(min >= 35, `fastest connect ${min} ms`);
    assert.ok(max - min >= 3, `connect times ${times.map((t) => t.toFixed(1)).join(', ')} should spread`);
  });

  it('rate=50: tbf caps one stream near 50 Mbit/s; the clean link carries far more', async () => {
    await lab.setProfile('shaped', parseProfile('rate=50'));
    const capped = await streamMbit(shaped, addr('shaped'), SINK_PORT, 3, 'cubic');
    const open = await streamMbit(clean, addr('clean'), SINK_PORT, 2, 'cubic');
    log.push(`tbf 50 Mbit/s: ${capped.mbit.toFixed(1)} Mbit/s, clean ${open.mbit.toFixed(0)} Mbit/s`);
    assert.ok(capped.mbit > 25 && capped.mbit < 56, `capped stream ${capped.mbit} Mbit/s`);
    assert.ok(open.mbit > 200, `clean stream ${open.mbit} Mbit/s`);
  });

  it('wan (rtt 40, loss 0.5 %, 200 Mbit/s): CUBIC stays far below the cap, BBR does not', async () => {
    await lab.setProfile('shaped', parseProfile('wan'));
    const cubic = await streamMbit(shaped, addr('shaped'), SINK_PORT, 5, 'cubic');
    const bbr = await streamMbit(shaped, addr('shaped'), SINK_PORT, 5, 'bbr');
    log.push(`wan single stream: CUBIC ${cubic.mbit.toFixed(1)} Mbit/s, BBR ${bbr.mbit.toFixed(1)} Mbit/s`);
    assert.equal(cubic.cc, 'cubic', 'the shim makes the sender CUBIC');
    assert.equal(bbr.cc, 'bbr');
    assert.ok(cubic.mbit < 30, `CUBIC under 0.5 % loss: ${cubic.mbit} Mbit/s`);
    assert.ok(bbr.mbit > 2 * cubic.mbit, `BBR ${bbr.mbit} vs CUBIC ${cubic.mbit} Mbit/s`);
  });
});
