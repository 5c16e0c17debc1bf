import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startLab, type Lab } from './lab';
import { describeTries, labSync } from './labCli';
import { parseProfile } from './profiles';

const MiB = 1 << 20;
const SIZE = 64 * MiB;

/** Syncs over a link that goes down for seconds at a time: TCP rides out the outage, nothing half-written. */
describe('network lab: sync over a flapping link', function () {
  this.timeout(120000);
  let lab: Lab;
  let file: string;
  let sha: string;
  const log: string[] = [];

  before(async () => {
    lab = await startLab({ nodes: ['flappy'] });
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
});
