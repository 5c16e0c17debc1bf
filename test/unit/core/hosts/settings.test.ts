import { strict as assert } from 'node:assert';
import { bandwidthFor, globToRegExp } from '../../../../src/core/hosts/settings';
import { node, parseFixture } from './fixtures';

describe('settings', () => {
  describe('globToRegExp', () => {
    it('* is any run, ? one character, everything else literal, whole name only', () => {
      assert.ok(globToRegExp('vast-*').test('vast-29129529'));
      assert.ok(!globToRegExp('vast-*').test('xvast-1'));
      assert.ok(globToRegExp('gpu-?').test('gpu-7'));
      assert.ok(!globToRegExp('gpu-?').test('gpu-77'));
      assert.ok(globToRegExp('a.b+(c)').test('a.b+(c)'));
      assert.ok(!globToRegExp('a.b').test('axb'));
    });
  });

  describe('bandwidthFor', () => {
    it('the first matching override wins, else the cluster limit, else no cap', () => {
      const settings = { maxConcurrentSyncs: undefined, bandwidthLimitMbps: 100, hostBandwidthOverrides: [{ glob: 'vast-*', mbps: 50 }, { glob: '*', mbps: 75 }] };
      assert.equal(bandwidthFor('vast-1', settings), 50);
      assert.equal(bandwidthFor('nebius-1', settings), 75);
      assert.equal(bandwidthFor('nebius-1', { ...settings, hostBandwidthOverrides: [] }), 100);
      assert.equal(bandwidthFor('nebius-1', { ...settings, bandwidthLimitMbps: undefined, hostBandwidthOverrides: [] }), undefined);
    });
  });

  it('a file: overrides in file order, concurrency read', () => {
    const file = parseFixture('bandwidth-globs.yaml');
    assert.deepEqual(file.diagnostics, []);
    assert.equal(file.settings.maxConcurrentSyncs, 4);
    assert.deepEqual(file.nodes.map((n) => [n.name, n.bandwidthLimitMbps]), [['vast-1', 50], ['gpu-7', 25], ['gpu-77', 75]]);
    assert.equal(node(file, 'gpu-77').bandwidthLimitMbps, 75);
  });
});
