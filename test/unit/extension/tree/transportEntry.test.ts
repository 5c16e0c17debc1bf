import { strict as assert } from 'node:assert';
import type { TransportView } from '../../../../src/extension/cluster/nodeView';
import { transportEntry, transportStateText, transportTarget } from '../../../../src/extension/tree/transportEntry';
import { agentDown, offline } from '../doctor/doctorFixtures';
import { makeNode } from './nodeFixture';

const view = (over: Partial<TransportView> = {}): TransportView => ({ kind: 'rsync', health: 'untested', preferred: false, failures: 0, ...over });

describe('transportEntry', () => {
  it('names where each transport connects', () => {
    const node = makeNode({ sshPort: 2202 });
    assert.equal(transportTarget(node, 'p2p'), '127.0.0.11:8770');
    assert.equal(transportTarget(node, 'http'), '127.0.0.1:8771');
    assert.equal(transportTarget(node, 'rsync'), 'ubuntu@127.0.0.1:2202');
    assert.equal(transportTarget(node, 'base64'), 'ubuntu@127.0.0.1:2202');
  });

  it('shows its state, latency and target, and which step of how many it is', () => {
    const entry = transportEntry(makeNode(), view({ health: 'ok', latencyMs: 9 }), 3);
    assert.equal(entry.label, 'rsync');
    assert.equal(entry.description, 'ok · 9 ms · ubuntu@127.0.0.1:22');
    assert.deepEqual(entry.icon, { id: 'sync', color: 'charts.green' });
    assert.match(entry.tooltip, /step 3 of 4 for gpu-1/);
    assert.equal(entry.contextValue, 'transport rsync');
  });

  it('shows the last error of a failed transport, and marks it for the reset menu', () => {
    const entry = transportEntry(makeNode(), view({ health: 'failed', error: 'auth failed for ubuntu', failures: 2 }), 3);
    assert.equal(entry.description, 'failed: auth failed for ubuntu · ubuntu@127.0.0.1:22');
    assert.equal(entry.icon.color, 'charts.red');
    assert.match(entry.tooltip, /2 failure\(s\) in a row/);
    assert.equal(entry.contextValue, 'transport rsync failures');
  });

  it('says what answered on a p2p port: the real orchestrator, our agent, or another service', () => {
    const orch = transportEntry(makeNode(), view({ kind: 'p2p', health: 'ok', latencyMs: 3, service: 'ringrift_orchestrator' }), 1);
    assert.match(orch.tooltip, /Answers on the port: the RingRift P2P orchestrator/);
    const other = transportEntry(makeNode(), view({ kind: 'p2p', health: 'failed', error: 'not json', service: 'other_http_service' }), 1);
    assert.match(other.tooltip, /another HTTP service/);
    assert.doesNotMatch(transportEntry(makeNode(), view({ health: 'ok' }), 3).tooltip, /Answers on the port/);
  });

  it('marks the preferred transport with a star and a flag for the menus', () => {
    const entry = transportEntry(makeNode(), view({ preferred: true, health: 'ok', latencyMs: 1 }), 3);
    assert.match(entry.description!, /^★ preferred · ok/);
    assert.equal(entry.contextValue, 'transport rsync preferred');
  });

  it('spins while being tested', () => {
    assert.deepEqual(transportEntry(makeNode(), view({ health: 'testing' }), 3).icon, { id: 'loading~spin' });
    assert.equal(transportStateText(view({ health: 'testing' })), 'testing…');
  });

  it('flags a node without an address and tells what to set', () => {
    const entry = transportEntry(makeNode({ sshHost: undefined }), view(), 3);
    assert.equal(entry.description, 'untested · no address');
    assert.equal(entry.icon.color, 'charts.red');
    assert.match(entry.tooltip, /set `ssh_host`/);
  });

  it('marks a direct transport of a relay-mode node as skipped, and says why naming the field', () => {
    const entry = transportEntry(makeNode({ forceRelayMode: true }), view({ kind: 'rsync', health: 'relay_skipped' }), 1);
    assert.equal(entry.description, 'relay mode: syncs skip it · ubuntu@127.0.0.1:22');
    assert.equal(entry.icon.color, 'disabledForeground');
    assert.match(entry.tooltip, /force\\_relay\\_mode: the node accepts no direct connection, so rsync is skipped; relay mode tries base64, then http/);
  });

  it('still says syncs skip it when a test reached it, and says nothing on a relay transport', () => {
    const node = makeNode({ natBlocked: true });
    assert.match(transportEntry(node, view({ kind: 'p2p', health: 'ok', latencyMs: 2 }), 1).tooltip, /so p2p is skipped/);
    assert.doesNotMatch(transportEntry(node, view({ kind: 'base64' }), 3).tooltip, /skipped/);
  });

  it("shows the last diagnosis's cause, evidence and fix title in a failing transport's tooltip", () => {
    const at = Date.parse('2026-01-02T12:00:00Z');
    const entry = transportEntry(makeNode({ name: 'gpu-7' }), view({ kind: 'p2p', health: 'failed', error: 'refused' }), 1, { at, report: agentDown() });
    assert.match(entry.tooltip, /\*\*Cause:\*\* agent not running: nothing listens on its port while the node answers `agent_not_running`/);
    assert.match(entry.tooltip, /10\.0\.0\.7:8770 refuses the connection while the node answers/, 'the evidence summary');
    assert.match(entry.tooltip, /Fix: Start the agent on gpu-7/);
    assert.match(entry.tooltip, /Diagnosed: 2026-01-02T12:00:00\.000Z/);
  });

  it('shows no cause on a transport that works now, nor on a failing one the diagnosis did not explain', () => {
    const d = { at: 0, report: agentDown() };
    assert.doesNotMatch(transportEntry(makeNode(), view({ kind: 'p2p', health: 'ok', latencyMs: 3 }), 1, d).tooltip, /Cause/);
    assert.doesNotMatch(transportEntry(makeNode(), view({ kind: 'rsync', health: 'failed', error: 'x' }), 3, d).tooltip, /Cause/);
    assert.match(transportEntry(makeNode(), view({ kind: 'rsync', health: 'failed', error: 'x' }), 3, { at: 0, report: offline() }).tooltip, /`node_offline`/);
  });
});
