import { strict as assert } from 'node:assert';
import { emptyNodeState } from '../../../../src/core/router';
import { liveStateFromRouter, liveStateLabel } from '../../../../src/core/language';

describe('live state text', () => {
  it('says in a few words how a node is doing', () => {
    assert.equal(liveStateLabel({ enabled: true, transport: 'p2p', ok: true, latencyMs: 12.4 }), 'p2p ok 12 ms');
    assert.equal(liveStateLabel({ enabled: false, reason: 'all_transports_exhausted' }), 'disabled: all_transports_exhausted');
    assert.equal(liveStateLabel({ enabled: true, transport: 'rsync', ok: false, error: 'ssh: connect to host 127.0.0.9 port 22:\n Connection refused' }), 'rsync failed: ssh: connect to host 127.0.0.9 port 22: Connection refused');
    assert.equal(liveStateLabel({ enabled: true }), 'not tested yet');
  });

  it('reads the router\'s state: disabled first, then the freshest probe, then the last working transport', () => {
    const ns = emptyNodeState();
    assert.deepEqual(liveStateFromRouter(ns), { enabled: true });
    ns.lastWorkingTransport = 'rsync';
    assert.equal(liveStateLabel(liveStateFromRouter(ns)), 'rsync ok');
    ns.transports.p2p = { consecutiveFailures: 1, failureTimes: [], lastProbe: { time: 1000, success: false, message: 'timed out after 5 s', latencyMs: 5000 } };
    ns.transports.http = { consecutiveFailures: 0, failureTimes: [], lastProbe: { time: 2000, success: true, message: 'ok', latencyMs: 7 } };
    assert.equal(liveStateLabel(liveStateFromRouter(ns)), 'http ok 7 ms');
    ns.enabled = false;
    ns.reason = 'all_transports_exhausted';
    assert.equal(liveStateLabel(liveStateFromRouter(ns)), 'disabled: all_transports_exhausted');
  });
});
