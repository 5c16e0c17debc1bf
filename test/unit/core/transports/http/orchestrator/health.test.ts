import { strict as assert } from 'node:assert';
import { classifyHealth } from '../../../../../../src/core/transports/http/orchestrator/health';

describe('orchestrator/health: what answers GET /health', () => {
  it('the real orchestrator: healthy and node_id, no ringrift_sync', () => {
    const body = '{"healthy": true, "node_id": "orch1", "role": "follower", "disk_percent": 9, "leader_id": null}';
    assert.deepEqual(classifyHealth(body), { service: 'ringrift_orchestrator', healthy: true, name: 'orch1', role: 'follower', extensions: [] });
    assert.equal(classifyHealth('{"healthy": false, "node_id": "orch1"}').healthy, false);
  });

  it('our agent with ringrift_sync and its extensions', () => {
    const a = classifyHealth('{"status":"ok","node":"n1","version":"0.1.0","ringrift_sync":{"version":"0.1.0","extensions":["resumable_put","future"]}}');
    assert.deepEqual(a, { service: 'ringrift_sync_agent', healthy: true, name: 'n1', version: '0.1.0', extensions: ['resumable_put'] });
    assert.deepEqual(classifyHealth('{"status":"ok","node":"n1","ringrift_sync":{"version":"0.2.0","extensions":[]}}').extensions, []);
  });

  it('an older agent without ringrift_sync is our agent with the resumable PUT', () => {
    const a = classifyHealth('{"status":"ok","node":"n1","version":"0.0.9"}');
    assert.deepEqual([a.service, a.healthy, a.extensions], ['ringrift_sync_agent', true, ['resumable_put']]);
  });

  it('anything else is another service', () => {
    for (const body of ['hello', '[]', 'null', '{"status":"starting"}', '{"healthy":"yes","node_id":"x"}']) {
      assert.equal(classifyHealth(body).service, 'other_http_service', body);
    }
  });
});
