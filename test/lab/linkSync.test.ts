import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startLab, type Lab } from './lab';
import { describeTries, labDoctor, labSync } from './labCli';
import { parseProfile } from './profiles';

const MiB = 1 << 20;
const SIZE = 64 * MiB;

/**
 * Syncs over a link that goes down for seconds at a time (TCP rides out the outage) and over a
 * path-MTU black hole (small packets pass, full-size ones vanish: every push stalls); nothing is
 * ever half-written at the final path, and doctor names the black hole.
 */
describe('network lab: sync over a flapping link and an MTU black hole', function () {
  this.timeout(120000);
  let lab: Lab;
  let file: string;
  let sha: string;
  const log: string[] = [];

  before(async () => {
    lab = await startLab({ nodes: ['flappy', 'narrow'], profile: { narrow: parseProfile('mtu-blackhole') } });
    file = path.join(lab.dir, 'big.bin');
    const data = randomBytes(SIZE);
    fs.writeFileSync(file, data);
    sha = createHash('sha256').update(data).digest('hex');
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
    const final = path.join(lab.node('flappy').root, 'flap.bin');
    await lab.setProfile('flappy', parseProfile('rate=50'));
    const steady = await labSync(lab, 'flappy', file, ['--remote', 'steady.bin']);
    assert.equal(steady.r.transportUsed, 'p2p', steady.r.message);
    // Down 3 s after every 5 s up; the sync starts as the link comes up, so the outage falls mid-push.
    await lab.setProfile('flappy', parseProfile('rate=50,flap=3000/5000'));
    await until(() => !lab.linkUp('flappy'), 5000, 'the link did not go down');
    await until(() => lab.linkUp('flappy'), 5000, 'the link did not come back');
    const seen: number[] = [];
    const watch = setInterval(() => {
      const size = fs.statSync(final, { throwIfNoEntry: false })?.size;
      if (size !== undefined && size !== SIZE) seen.push(size);
    }, 5);
    const { r, ms } = await labSync(lab, 'flappy', file, ['--remote', 'flap.bin']).finally(() => clearInterval(watch));
    await lab.setProfile('flappy', []);
    log.push(`64 MiB at 50 Mbit/s: steady ${(steady.ms / 1000).toFixed(1)} s, across a 3 s outage ${(ms / 1000).toFixed(1)} s (${describeTries(r)})`);
    assert.deepEqual(seen, [], 'nothing but the whole file ever at the final path');
    assert.equal(r.success, true, r.message);
    assert.deepEqual(r.attempts.map((a) => `${a.transport}:${a.result}`), ['p2p:ok'], describeTries(r));
    assert.ok(ms > steady.ms + 2000, `the outage cost time: ${ms} ms vs ${steady.ms} ms`);
    assert.equal(createHash('sha256').update(fs.readFileSync(final)).digest('hex'), sha);
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
    const small = path.join(lab.dir, 'small.bin');
    fs.writeFileSync(small, randomBytes(2 * MiB));
    const { r, ms } = await labSync(lab, 'narrow', small, ['--remote', 'narrow.bin']);
    log.push(`MTU black hole, 2 MiB: ${describeTries(r)} in ${(ms / 1000).toFixed(1)} s: ${r.message}`);
    assert.equal(r.success, false);
    assert.ok(!fs.existsSync(path.join(lab.node('narrow').root, 'narrow.bin')), 'nothing at the final path');
    assert.ok(r.attempts.length >= 1 && r.attempts.every((a) => a.result !== 'ok'), describeTries(r));
  });
});
