import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HttpTransport, createHttpTransport } from '../../../../../src/core/transports/http/http';
import { bytesOf, startTestAgent, type AgentFixture } from '../../../agent/agentFixture';
import { closedPort, never, nodeFor, tempFile, testOptions } from './agentFixtures';

describe('http transport', () => {
  let fx: AgentFixture;
  afterEach(async () => fx?.close());

  it('is the http link of the chain', () => {
    assert.equal(createHttpTransport(testOptions()).kind, 'http');
  });

  it('probes and pushes at ssh_host and p2p_public_port, not at the p2p address', async () => {
    fx = await startTestAgent({}, '127.0.0.3');
    const node = nodeFor({ address: '127.0.0.1', port: await closedPort() }, { sshHost: '127.0.0.3', httpPort: fx.agent.port });
    const t = new HttpTransport(testOptions());
    const probe = await t.probe(node, never());
    assert.equal(probe.success, true, probe.message);
    assert.match(probe.message, /^http: 127\.0\.0\.3:/);
    const local = tempFile(bytesOf(50_000, 9));
    try {
      const r = await t.push(node, { localPath: local.file, remotePath: 'h.bin' }, () => undefined, never());
      assert.ok(r.ok, r.ok ? '' : r.message);
      assert.equal(r.transport, 'http');
      assert.ok(fs.readFileSync(path.join(fx.root, 'h.bin')).equals(bytesOf(50_000, 9)));
    } finally {
      local.cleanup();
    }
  });

  it('is not configured for a node without p2p_public_port', async () => {
    fx = await startTestAgent();
    const r = await new HttpTransport(testOptions()).probe(nodeFor(fx.agent, { httpPort: undefined }), never());
    assert.equal(r.code, 'not_configured');
    assert.match(r.message, /p2p_public_port/);
  });
});
