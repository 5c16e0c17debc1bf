import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startLab, type Lab } from './lab';
import { describeTries, labDoctor, labSync, landedSha, randomFile, watchFinalPath } from './labCli';
import { parseProfile } from './profiles';

const MiB = 1 << 20;
const SIZE = 64 * MiB;

/**
 * Syncs over a link that goes down for seconds at a time (TCP rides out the outage), over the wan
 * profile, and over a path-MTU black hole (small packets pass, full-size ones vanish: every push stalls); nothing is
 * ever half-written at the final path, and doctor names the black hole.
 */
describe('network lab: sync over a flapping link, a lossy WAN and an MTU black hole', function () {
  this.timeout(120000);
  let lab: Lab;
  let file: string;
  let sha: string;
  const log: string[] = [];

  before(async () => {
    lab = await startLab({ nodes: ['flappy', 'narrow'], profile: { narrow: parseProfile('mtu-blackhole') } });
    ({ file, sha } = randomFile(lab, 'big.bin', SIZE));
  });
  after(async () => {
    console.log(`      measured: ${log.join('; ')}`);
    await lab?.stop();
  });

  async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('a 64 MiB push at 50 Mbit/s spans a 3 s outage: one p2p try, verified, the final path never half-written', async () => {
    let seen: string[] = [];
    await lab.setProfile('flappy', parseProfile('rate=50'));
    const steady = await labSync(lab, 'flappy', file, ['--remote', 'steady.bin']);
    assert.equal(steady.r.transportUsed, 'p2p', steady.r.message);
    // Down 3 s after every 5 s up; the sync starts as the link comes up, so the outage falls mid-push.
    await lab.setProfile('flappy', parseProfile('rate=50,flap=3000/5000'));
    await until(() => !lab.linkUp('flappy'), 5000, 'the link did not go down');
    await until(() => lab.linkUp('flappy'), 5000, 'the link did not come back');
    const stop = watchFinalPath(lab, 'flappy', 'flap.bin', SIZE);
    const { r, ms } = await labSync(lab, 'flappy', file, ['--remote', 'flap.bin']).finally(() => (seen = stop()));
    await lab.setProfile('flappy', []);
    log.push(`64 MiB at 50 Mbit/s: steady ${(steady.ms / 1000).toFixed(1)} s, across a 3 s outage ${(ms / 1000).toFixed(1)} s (${describeTries(r)})`);
    assert.deepEqual(seen, [], 'nothing but the whole file ever at the final path');
    assert.equal(r.success, true, r.message);
    assert.deepEqual(r.attempts.map((a) => `${a.transport}:${a.result}`), ['p2p:ok'], describeTries(r));
    assert.ok(ms > steady.ms + 2000, `the outage cost time: ${ms} ms vs ${steady.ms} ms`);
    assert.equal(landedSha(lab, 'flappy', 'flap.bin'), sha);
  });

  it('wan (40 ms, 0.5 % loss, 200 Mbit/s, CUBIC): a 4 MiB sync lands over p2p in one try, verified, never half-written', async () => {
    await lab.setProfile('flappy', parseProfile('wan'));
    const small = randomFile(lab, 'wan.bin', 4 * MiB);
    let seen: string[] = [];
    const stop = watchFinalPath(lab, 'flappy', 'wan.bin', 4 * MiB);
    const { r, ms } = await labSync(lab, 'flappy', small.file, ['--remote', 'wan.bin']).finally(() => (seen = stop()));
    await lab.setProfile('flappy', []);
    log.push(`wan, 4 MiB: ${describeTries(r)} in ${(ms / 1000).toFixed(1)} s`);
    assert.deepEqual(seen, [], 'nothing but the whole file ever at the final path');
    assert.deepEqual(r.attempts.map((a) => `${a.transport}:${a.result}`), ['p2p:ok'], describeTries(r));
    assert.equal(landedSha(lab, 'flappy', 'wan.bin'), small.sha);
  });

  it('MTU black hole: doctor names it from the padded /health, the hanging OpenSSH login explained by it', async () => {
    const { node } = await labDoctor(lab, 'narrow');
    const found = node.causes.map((c) => [c.transport, c.cause]);
    log.push(`MTU black hole: doctor found ${found.map((f) => f.join(':')).join(', ')}`);
    assert.ok(found.some(([, cause]) => cause === 'mtu_blackhole'), JSON.stringify(node.causes, null, 1));
    assert.ok(found.every(([, cause]) => cause === 'mtu_blackhole'), `nothing else blamed: ${JSON.stringify(found)}`);
    const c = node.causes.find((x) => x.cause === 'mtu_blackhole')!;
    assert.match(c.evidence.summary, /padded to \d+ bytes got no answer in \d+ ms: full-size packets vanish on the path to 10\.203\.2\.2:8770/);
    assert.equal(c.fix.command, 'sudo sysctl -w net.ipv4.tcp_mtu_probing=1');
  });

  it('MTU black hole: a sync stalls on every transport and is reported failed; nothing at the final path', async () => {
    const { r, ms } = await labSync(lab, 'narrow', randomFile(lab, 'small.bin', 2 * MiB).file, ['--remote', 'narrow.bin']);
    log.push(`MTU black hole, 2 MiB: ${describeTries(r)} in ${(ms / 1000).toFixed(1)} s: ${r.message}`);
    assert.equal(r.success, false);
    assert.ok(!fs.existsSync(path.join(lab.node('narrow').root, 'narrow.bin')), 'nothing at the final path');
    assert.ok(r.attempts.length >= 1 && r.attempts.every((a) => a.result !== 'ok'), describeTries(r));
  });
});
