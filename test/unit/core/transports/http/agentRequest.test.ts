import { strict as assert } from 'node:assert';
import { agentRequest, endpointLabel, type AgentEndpoint } from '../../../../../src/core/transports/http/agentRequest';
import { startTestAgent, type AgentFixture } from '../../../agent/agentFixture';
import { closedPort, fullBacklogListener, never, silentServer } from './agentFixtures';

describe('agentRequest: one bounded HTTP exchange with an agent', () => {
  const ep = (port: number, host = '127.0.0.1'): AgentEndpoint => ({ kind: 'p2p', node: 'n1', host, port });
  let fx: AgentFixture | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });

  it('returns the status, headers and body of an answer', async () => {
    fx = await startTestAgent();
    const r = await agentRequest(ep(fx.agent.port), { method: 'GET', path: '/health', connectTimeoutMs: 1000, totalTimeoutMs: 2000 }, never());
    assert.ok(r.ok);
    assert.equal(r.value.status, 200);
    assert.match(r.value.body, /"status":"ok"/);
  });

  it('refused: says nothing listens there and how to find out why, at once', async () => {
    const port = await closedPort();
    const t0 = Date.now();
    const r = await agentRequest(ep(port), { method: 'GET', path: '/health', connectTimeoutMs: 5000 }, never());
    assert.ok(!r.ok);
    assert.equal(r.code, 'refused');
    assert.equal(r.message, `p2p: 127.0.0.1:${port} refused the connection: no agent listens on port ${port} (agent down, or the whole node: 'ringrift-sync doctor n1' tells which)`);
    assert.ok(Date.now() - t0 < 2000);
  });

  it('no_answer: a peer that accepts and never answers fails at the total bound', async () => {
    const silent = await silentServer();
    try {
      const t0 = Date.now();
      const r = await agentRequest(ep(silent.port), { method: 'GET', path: '/health', connectTimeoutMs: 5000, totalTimeoutMs: 500 }, never());
      assert.ok(!r.ok);
      assert.equal(r.code, 'no_answer');
      assert.match(r.message, /TCP accepted but no HTTP answer in 0\.5 s/);
      assert.ok(Date.now() - t0 < 3000);
    } finally {
      await silent.close();
    }
  });

  it('connect_timeout: a SYN nobody answers fails at the connect bound', async function () {
    const listener = await fullBacklogListener();
    try {
      const r = await agentRequest(ep(listener.port), { method: 'GET', path: '/health', connectTimeoutMs: 400, totalTimeoutMs: 5000 }, never());
      assert.ok(!r.ok);
      assert.equal(r.code, 'connect_timeout');
      assert.match(r.message, /connect timed out after 0\.4 s/);
    } finally {
      listener.close();
    }
  });

  it('idle_timeout: silence longer than the idle bound fails a transfer', async () => {
    const silent = await silentServer();
    try {
      const r = await agentRequest(ep(silent.port), { method: 'HEAD', path: '/files/x', connectTimeoutMs: 1000, idleTimeoutMs: 300 }, never());
      assert.ok(!r.ok);
      assert.equal(r.code, 'idle_timeout');
    } finally {
      await silent.close();
    }
  });

  it('cancelled: the abort signal ends a hanging call at once', async () => {
    const silent = await silentServer();
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 100);
      const t0 = Date.now();
      const r = await agentRequest(ep(silent.port), { method: 'GET', path: '/health', connectTimeoutMs: 5000, totalTimeoutMs: 30000 }, ac.signal);
      assert.ok(!r.ok);
      assert.equal(r.code, 'cancelled');
      assert.ok(Date.now() - t0 < 1000);
    } finally {
      await silent.close();
    }
  });

  it('labels IPv6 endpoints with brackets', () => {
    assert.equal(endpointLabel({ kind: 'http', node: 'n', host: '::1', port: 8770 }), '[::1]:8770');
  });
});
