import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startLab, type Lab } from './lab';
import { describeTries, labSyncMany, landedSha, randomFile } from './labCli';
import { parseProfile, PRESETS } from './profiles';

const MiB = 1 << 20;

/**
 * `sync --all --fanout` on real links: four nodes behind the lab's router pull from each other
 * (node to node through the router, never through the client's link); a nat_blocked node behind a
 * NAT that forwards only SSH cannot be asked to pull and gets the direct chain (base64 over the
 * forward); a node whose agent port drops SYNs cannot be asked either and falls back to rsync.
 */
describe('network lab: fan-out', function () {
  this.timeout(240000);
  let lab: Lab;

  before(async () => {
    lab = await startLab({
      nodes: ['a', 'b', 'c', 'd', 'relay', 'walled'],
      profile: { relay: parseProfile('nat=ssh'), walled: PRESETS['agent-firewalled'] },
      hostFields: { relay: { nat_blocked: true } },
    });
  });
  after(async () => lab?.stop());

  it('one seed from here, the others pulled over the router; relay-mode and firewalled nodes get the direct chain; all verified', async () => {
    const { file, sha } = randomFile(lab, 'fan.bin', 16 * MiB);
    const { by, ms } = await labSyncMany(lab, ['--all', '--fanout', '--path', file, '--remote', 'data/fan.bin', '--timeout', '4'], 'fanout');
    const summary = Object.values(by).map((r) => `${r.node}:${r.route}<-${r.source}/w${r.wave} ${describeTries(r)}`).join('; ');
    console.log(`      measured: 16 MiB to 6 nodes in ${(ms / 1000).toFixed(1)} s: ${summary}`);
    for (const name of ['a', 'b', 'c', 'd', 'relay', 'walled']) {
      assert.equal(by[name].success, true, `${name}: ${by[name].message}`);
      assert.equal(landedSha(lab, name, 'data/fan.bin'), sha, name);
    }
    assert.equal(by.a.route, 'seed');
    for (const name of ['b', 'c', 'd']) {
      assert.equal(by[name].route, 'pull', `${name}: ${by[name].message}`);
      assert.ok(['a', 'b', 'c', 'd'].includes(by[name].source), by[name].source);
      assert.equal(by[name].wave, by[by[name].source].wave + 1);
    }
    assert.deepEqual([by.relay.route, by.relay.transportUsed], ['direct', 'base64'], by.relay.message);
    assert.match(by.relay.message, /nothing can ask it to pull/);
    assert.deepEqual([by.walled.route, by.walled.transportUsed], ['direct', 'rsync'], by.walled.message);
    assert.match(by.walled.pulls?.[0].error ?? '', /walled/, 'the failed ask names the node');
    assert.ok(!Object.values(by).some((r) => r.source === 'relay' || r.source === 'walled'));
    // events.jsonl says who fed whom (the dashboard's fan-out map reads it).
    const events = fs.readFileSync(path.join(lab.dir, 'state-fanout', 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const pulled = events.filter((e) => e.type === 'SYNC_PULLED').map((e) => `${e.node}<-${e.source}/w${e.wave}:${e.bytes}`).sort();
    assert.deepEqual(pulled, ['b', 'c', 'd'].map((n) => `${n}<-${by[n].source}/w${by[n].wave}:${16 * MiB}`));
  });
});
