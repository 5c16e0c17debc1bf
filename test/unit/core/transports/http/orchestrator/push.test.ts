import { strict as assert } from 'node:assert';
import { pushToOrchestrator } from '../../../../../../src/core/transports/http/orchestrator/push';
import { bytesPerSecond } from '../../../../../../src/core/transports/transport';
import { bytesOf, startTestAgent, type AgentFixture } from '../../../../agent/agentFixture';
import { never, nodeFor, tempFile, testOptions } from '../agentFixtures';

describe('pushToOrchestrator', () => {
  let fx: AgentFixture;
  afterEach(async () => fx?.close());

  it('reports one stream and its rate: what the router weighs against ranges over SSH', async () => {
    fx = await startTestAgent();
    const local = tempFile(bytesOf(200_000));
    try {
      const ep = { kind: 'p2p' as const, node: 'test-node', host: fx.agent.address, port: fx.agent.port };
      const r = await pushToOrchestrator(ep, nodeFor(fx.agent), testOptions(), { localPath: local.file, remotePath: 'data/x.npz' }, () => undefined, never(), { enforceLimits: false });
      assert.ok(r.ok, r.ok ? '' : r.message);
      assert.equal(r.streams, 1);
      assert.equal(r.rateBytesPerS, bytesPerSecond(200_000, r.durationMs));
    } finally {
      local.cleanup();
    }
  });
});
