import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { P2PTransport, createP2PTransport } from '../../../../../src/core/transports/http/p2p';
import { bytesOf, startTestAgent, type AgentFixture } from '../../../agent/agentFixture';
import { closedPort, never, nodeFor, tempFile, testOptions } from './agentFixtures';

describe('p2p transport', () => {
  let fx: AgentFixture;
  afterEach(async () => fx?.close());

  it('is the p2p link of the chain', () => {
    assert.equal(createP2PTransport(testOptions()).kind, 'p2p');
  });

  it('probes and pushes at the preferred address and p2p_port, not at ssh_host/p2p_public_port', async () => {
    fx = await startTestAgent({}, '127.0.0.2');
    const node = nodeFor(fx.agent, { sshHost: '127.0.0.1', httpPort: await closedPort() });
    const t = new P2PTransport(testOptions());
    const probe = await t.probe(node, never());
    assert.equal(probe.success, true, probe.message);
    assert.match(probe.message, /^p2p: 127\.0\.0\.2:/);
    const local = tempFile(bytesOf(50_000));
    try {
      const r = await t.push(node, { localPath: local.file, remotePath: 'p.bin' }, () => undefined, never());
      assert.ok(r.ok, r.ok ? '' : r.message);
      assert.equal(r.transport, 'p2p');
      assert.ok(fs.readFileSync(path.join(fx.root, 'p.bin')).equals(bytesOf(50_000)));
    } finally {
      local.cleanup();
    }
  });

  it('is not configured for a node with p2p_enabled: false', async () => {
    fx = await startTestAgent();
    const r = await new P2PTransport(testOptions()).probe(nodeFor(fx.agent, { p2pEnabled: false }), never());
    assert.equal(r.code, 'not_configured');
  });
});
