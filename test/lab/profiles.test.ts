import { strict as assert } from 'node:assert';
import { describeProfile, parseProfile, PRESETS } from './profiles';

/** Profile specs as a developer types them into `cli.ts up --profile`. */
describe('network lab: profile specs', () => {
  it('reads presets and every spec item', () => {
    assert.deepEqual(parseProfile('wan'), PRESETS.wan);
    assert.deepEqual(parseProfile('rtt=40/10,loss=0.5%,rate=200,reset-after=16M,syn-drop=8770,reject=22,flap=500/1500,mtu=1280'), [
      { kind: 'latency', rttMs: 40, jitterMs: 10 },
      { kind: 'loss', perMille: 5 },
      { kind: 'rate', mbit: 200 },
      { kind: 'resetAfter', bytes: 16 * 1024 * 1024, halfOpen: false },
      { kind: 'synDrop', port: 8770 },
      { kind: 'reject', port: 22 },
      { kind: 'flap', downMs: 500, upMs: 1500 },
      { kind: 'mtuBlackhole', mtu: 1280 },
    ]);
    assert.deepEqual(parseProfile('half-open-after=1M'), [{ kind: 'resetAfter', bytes: 1 << 20, halfOpen: true }]);
    assert.deepEqual(parseProfile('half-open-16m'), parseProfile('half-open-after=16M'));
    assert.deepEqual(parseProfile('nat'), [{ kind: 'nat', forwardSsh: false }]);
    assert.deepEqual(parseProfile('nat=ssh'), [{ kind: 'nat', forwardSsh: true }]);
    assert.deepEqual(parseProfile('nat-ssh'), parseProfile('nat=ssh'));
    assert.deepEqual(parseProfile(''), []);
  });

  it('describes a profile in the same spec form', () => {
    assert.equal(describeProfile(PRESETS.wan), 'rtt=40,loss=0.5%,rate=200');
    assert.equal(describeProfile([]), 'clean');
    assert.equal(describeProfile(parseProfile('nat=ssh,reject=22')), 'nat=ssh,reject=22');
  });

  it('refuses what it cannot apply, saying why', () => {
    assert.throws(() => parseProfile('rtt=40,nat'), /combines 'nat' with 'latency'/);
    assert.throws(() => parseProfile('loss=1,loss=2'), /'loss' twice/);
    assert.throws(() => parseProfile('jitter=5'), /unknown profile item 'jitter'/);
    assert.throws(() => parseProfile('rtt=fast'), /rtt needs a number/);
    assert.throws(() => parseProfile('nat=8770'), /nat takes nothing or 'ssh'/);
    assert.doesNotThrow(() => parseProfile('reject=22,reject=8770'));
  });
});
