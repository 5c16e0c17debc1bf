import { strict as assert } from 'node:assert';
import { AgentTransport, agentEndpoint, probeAgent } from '../../../../../src/core/transports/http/agentClient';
import type { AgentEndpoint } from '../../../../../src/core/transports/http/agentRequest';
import { startTestAgent, type AgentFixture } from '../../../agent/agentFixture';
import { closedPort, never, nodeFor, otherHttpServer, silentServer, testOptions } from './agentFixtures';

describe('agent client: endpoints and probes', () => {
  let fx: AgentFixture | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });
  const at = (port: number, token?: string): AgentEndpoint => ({ kind: 'p2p', node: 'test-node', host: '127.0.0.1', port, token });

  describe('agentEndpoint', () => {
    const node = nodeFor({ address: '100.64.0.7', port: 8770 }, { sshHost: '203.0.113.9', httpPort: 8080 });

    it('p2p goes to the preferred address on p2p_port; http to ssh_host on p2p_public_port', () => {
      const p2p = agentEndpoint('p2p', node, 'tok');
      const http = agentEndpoint('http', node);
      assert.ok(p2p.ok && http.ok);
      assert.deepEqual(p2p.value, { kind: 'p2p', node: 'test-node', host: '100.64.0.7', port: 8770, token: 'tok' });
      assert.deepEqual(http.value, { kind: 'http', node: 'test-node', host: '203.0.113.9', port: 8080, token: undefined });
    });

    it('not_configured, saying which field to set', () => {
      const cases: Array<['p2p' | 'http', Partial<typeof node>, RegExp]> = [
        ['p2p', { p2pEnabled: false }, /p2p_enabled: false/],
        ['p2p', { address: undefined }, /set tailscale_ip or ssh_host/],
        ['http', { httpPort: undefined }, /no p2p_public_port/],
        ['http', { sshHost: undefined }, /no ssh_host/],
      ];
      for (const [kind, over, message] of cases) {
        const r = agentEndpoint(kind, { ...node, ...over });
        assert.ok(!r.ok);
        assert.equal(r.code, 'not_configured');
        assert.match(r.message, message);
      }
    });
  });

  describe('probeAgent', () => {
    it('succeeds against a healthy agent, naming it and its version', async () => {
      fx = await startTestAgent();
      const r = await probeAgent(at(fx.agent.port), testOptions(), never());
      assert.equal(r.success, true, r.message);
      assert.equal(r.transport, 'p2p');
      assert.match(r.message, /^p2p: 127\.0\.0\.1:\d+: agent test-node 9\.9\.9 healthy in \d+ ms$/);
    });

    it('still succeeds but says so when the agent calls itself another node', async () => {
      fx = await startTestAgent({ name: 'other-node' });
      const r = await probeAgent(at(fx.agent.port), testOptions(), never());
      assert.equal(r.success, true);
      assert.match(r.message, /calls itself 'other-node', not 'test-node'/);
    });

    it('refused on a closed port, quickly', async () => {
      const port = await closedPort();
      const r = await probeAgent(at(port), testOptions({ connectTimeoutMs: 5000, probeTimeoutMs: 8000 }), never());
      assert.equal(r.success, false);
      assert.equal(r.code, 'refused');
      assert.ok(r.latencyMs < 1000);
    });

    it('no_answer from a peer that accepts and stays silent, within the probe bound', async () => {
      const silent = await silentServer();
      try {
        const r = await probeAgent(at(silent.port), testOptions({ probeTimeoutMs: 600 }), never());
        assert.equal(r.code, 'no_answer');
        assert.match(r.message, /TCP accepted but no HTTP answer in 0\.6 s/);
        assert.ok(r.latencyMs >= 550 && r.latencyMs < 3000, String(r.latencyMs));
      } finally {
        await silent.close();
      }
    });

    it('unauthorized when the agent wants a token', async () => {
      fx = await startTestAgent({ token: 'abc' });
      const r = await probeAgent(at(fx.agent.port), testOptions(), never());
      assert.equal(r.code, 'unauthorized');
      assert.match(r.message, /HTTP 401: agent wants a token/);
      assert.equal((await probeAgent(at(fx.agent.port, 'abc'), testOptions(), never())).success, true);
    });

    it('bad_answer from an HTTP server that is not our agent', async () => {
      for (const [status, body] of [[200, 'hello'], [200, '{"status":"starting"}'], [500, 'oops']] as const) {
        const other = await otherHttpServer(status, body);
        try {
          const r = await probeAgent(at(other.port), testOptions(), never());
          assert.equal(r.success, false);
          assert.equal(r.code, 'bad_answer', `${status} ${body}`);
        } finally {
          await other.close();
        }
      }
    });
  });

  describe('AgentTransport', () => {
    it('answers not_configured without touching the network', async () => {
      const t = new AgentTransport('http', testOptions());
      const node = nodeFor({ address: '127.0.0.1', port: 1 }, { httpPort: undefined });
      const probe = await t.probe(node, never());
      assert.equal(probe.code, 'not_configured');
      const push = await t.push(node, { localPath: '/dev/null', remotePath: 'x' }, () => undefined, never());
      assert.ok(!push.ok);
      assert.equal(push.code, 'not_configured');
      assert.equal(push.transport, 'http');
    });

    it('passes the configured agent token', async () => {
      fx = await startTestAgent({ token: 'abc' });
      const t = new AgentTransport('p2p', testOptions({ agentToken: 'abc' }));
      assert.equal((await t.probe(nodeFor(fx.agent), never())).success, true);
    });
  });
});
