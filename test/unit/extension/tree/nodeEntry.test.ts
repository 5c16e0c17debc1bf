import { strict as assert } from 'node:assert';
import { emptyState } from '../../../../src/core/router';
import { nodeView } from '../../../../src/extension/cluster/nodeView';
import { chainText, nodeEntry } from '../../../../src/extension/tree/nodeEntry';
import { agentDown } from '../doctor/doctorFixtures';
import { makeNode } from './nodeFixture';
import { NOW, StateBuilder } from './stateFixture';

const FILE = '/c/distributed_hosts.yaml';
const entryOf = (node = makeNode(), state = emptyState()) => nodeEntry(node, nodeView(node, state, NOW), FILE);

describe('nodeEntry', () => {
  it('describes an untested node by its chain', () => {
    const entry = entryOf();
    assert.equal(entry.label, 'gpu-1');
    assert.equal(entry.description, 'untested · p2p → http → rsync → base64');
    assert.equal(entry.icon.id, 'circle-large-outline');
    assert.equal(entry.contextValue, 'node ready ssh p2p');
  });

  it('describes a working node by its working transport and latency, with a state icon', () => {
    const entry = entryOf(makeNode(), new StateBuilder().probe('gpu-1', 'p2p', true, { latencyMs: 12 }).state);
    assert.equal(entry.description, 'p2p · 12 ms');
    assert.deepEqual(entry.icon, { id: 'pass-filled', color: 'charts.green' });
  });

  it('says which transports fail on a degraded node', () => {
    const s = new StateBuilder().probe('gpu-1', 'p2p', false).probe('gpu-1', 'http', false).probe('gpu-1', 'rsync', true, { latencyMs: 40 }).state;
    assert.equal(entryOf(makeNode(), s).description, 'rsync · 40 ms · p2p, http failing');
    assert.match(entryOf(makeNode(), s).contextValue, /\bfailures\b/);
  });

  it('gives the disable reason and flags the row for the re-enable menu', () => {
    const entry = entryOf(makeNode(), new StateBuilder().disable('gpu-1').state);
    assert.equal(entry.description, 'disabled: all transports exhausted');
    assert.deepEqual(entry.icon, { id: 'circle-slash', color: 'charts.red' });
    assert.equal(entry.contextValue, 'node ready disabled ssh p2p');
    assert.match(entry.tooltip, /\| disabled_at \| 2026-01-02T12:29:59\.000Z \|/);
  });

  it('shortens an unreachable node\'s first error to one line for the row, full in the tooltip', () => {
    const long = 'p2p: 10.0.0.1:8770 refused the connection: the agent is not running or a firewall rejects it\nsecond line';
    const entry = entryOf(makeNode(), new StateBuilder().probe('gpu-1', 'p2p', false, { message: long }).state);
    assert.equal(entry.description, `unreachable: ${long.slice(0, 59)}…`);
    assert.match(entry.tooltip, /\| last error \| p2p: 10\.0\.0\.1:8770 refused the connection: the agent is not running or a firewall rejects it/);
  });

  it('has one child per transport, in chain order, then the details', () => {
    const entry = entryOf(makeNode({ transports: ['p2p', 'rsync', 'base64'], fields: { role: 'backbone' } }));
    assert.deepEqual(entry.children.map((c) => c.label), ['p2p', 'rsync', 'base64', 'details']);
    assert.deepEqual(entry.children.slice(0, 3).map((c) => c.id), ['node/gpu-1/p2p', 'node/gpu-1/rsync', 'node/gpu-1/base64']);
  });

  it('puts address, user, ports, status, role and each transport in the tooltip table', () => {
    const node = makeNode({ user: 'root', sshPort: 2222, fields: { role: 'gpu_training' } });
    const { tooltip } = entryOf(node, new StateBuilder().probe('gpu-1', 'rsync', false, { message: 'auth failed' }).syncFailure('gpu-1', 'rsync', 'auth failed').state);
    assert.match(tooltip, /\| address \| `127\.0\.0\.11` \(tailscale_ip\) \|/);
    assert.match(tooltip, /\| ssh \| `root@127\.0\.0\.1:2222` \|/);
    assert.match(tooltip, /\| p2p port \| `8770` \|/);
    assert.match(tooltip, /\| status \| ready \(synced\) \|/);
    assert.match(tooltip, /\| role \| gpu\\_training \|/);
    assert.match(tooltip, /\| rsync \| failed: auth failed · 1 failure\(s\) in a row \|/);
  });

  it('says in the tooltip which rung large files go to first and why, when measured rates say so', () => {
    const measured = new StateBuilder().bigPush('gpu-1', 'p2p', 612_500, 1).bigPush('gpu-1', 'rsync', 5_150_000, 16);
    const { tooltip, description } = entryOf(makeNode(), measured.state);
    assert.match(tooltip, /\| large files \| rsync first \(large file: rsync measured 41\.2 Mbit\/s over 16 streams \(2026-01-02\) vs p2p 4\.9 Mbit\/s in one stream \(2026-01-02\)\) \|/);
    assert.equal(description, 'untested · p2p → http → rsync → base64', 'the row itself is unchanged');
    assert.doesNotMatch(entryOf(makeNode(), measured.prefer('gpu-1', 'p2p').state).tooltip, /large files/, "an operator's prefer wins");
    assert.doesNotMatch(entryOf(makeNode(), new StateBuilder().bigPush('gpu-1', 'p2p', 612_500, 4).bigPush('gpu-1', 'rsync', 5_150_000, 16).state).tooltip, /large files/);
  });

  it('escapes Markdown in a host name', () => {
    const { tooltip } = entryOf(makeNode({ name: 'gpu_*x*' }));
    assert.equal(tooltip.split('\n')[0], '**gpu\\_\\*x\\***');
  });

  it('marks a node that is not synced, whatever its probes say', () => {
    const node = makeNode({ status: 'maintenance', ready: false });
    const entry = entryOf(node, new StateBuilder().probe('gpu-1', 'p2p', true).state);
    assert.equal(entry.description, 'maintenance · not synced');
    assert.equal(entry.icon.id, 'debug-pause');
    assert.match(entry.contextValue, /^node notReady\b/);
    assert.match(entry.tooltip, /maintenance \(shown, not synced\)/);
  });

  it('shows an archived or retired node as inactive: not synced, paused icon', () => {
    for (const status of ['archived', 'retired']) {
      const entry = entryOf(makeNode({ status, ready: false }));
      assert.equal(entry.description, `${status} · not synced`);
      assert.equal(entry.icon.id, 'debug-pause');
    }
  });

  it('relay mode: the chain reads in sync order with skipped steps in parentheses, the tooltip explains the field', () => {
    const entry = entryOf(makeNode({ natBlocked: true, forceRelayMode: true, transports: ['p2p', 'rsync', 'base64'] }));
    assert.equal(entry.description, 'untested · (p2p) → (rsync) → base64 · relay mode');
    assert.match(entry.tooltip, /\| nat_blocked \| The node is behind NAT and accepts no direct connection: syncs skip the direct transports \(p2p, rsync\) and try base64, then http/);
    assert.match(entry.tooltip, /\| force_relay_mode \| Relay mode whatever the NAT/);
    assert.deepEqual(entry.children.map((c) => c.label), ['p2p', 'rsync', 'base64']);
  });

  it('skip_sync_receive: tested like any node, but not synced, and no Sync menu', () => {
    const entry = entryOf(makeNode({ skipSyncReceive: true }), new StateBuilder().probe('gpu-1', 'p2p', true, { latencyMs: 4 }).state);
    assert.equal(entry.description, 'p2p · 4 ms · receives no syncs');
    assert.match(entry.contextValue, /^node notReady\b/);
    assert.match(entry.tooltip, /\| status \| ready \(shown, not synced\) \|/);
    assert.match(entry.tooltip, /\| skip_sync_receive \| true: never a sync target/);
  });

  it('is_ephemeral, data_server_port and ringrift_path are shown', () => {
    const entry = entryOf(makeNode({ isEphemeral: true, dataServerPort: 9766, remoteBase: '~/ringrift/ai-service' }));
    assert.equal(entry.description, 'untested · p2p → http → rsync → base64 · ephemeral');
    assert.match(entry.tooltip, /\| is_ephemeral \| A rented or spot instance/);
    assert.match(entry.tooltip, /\| data server port \| `9766` \|/);
    assert.match(entry.tooltip, /\| ringrift_path \| `~\/ringrift\/ai-service` \|/);
    assert.match(entryOf(makeNode({ dataServerPort: undefined, remoteBase: undefined })).tooltip, /\| data server port \| `8766` \|[\s\S]*\| ringrift_path \| none \|/);
  });

  it("points at the host's key in the file", () => {
    assert.deepEqual(entryOf().location, { file: FILE, line: 3, column: 3 });
  });

  it('says so when a node has no transport left', () => {
    assert.equal(chainText(makeNode({ transports: [] })), 'no transport');
  });

  it("shows the last diagnosis in the node's tooltip and hands it to the failing transport's row", () => {
    const node = makeNode({ name: 'gpu-7', transports: ['p2p', 'rsync', 'base64'] });
    const d = { at: NOW, report: agentDown() };
    const entry = nodeEntry(node, nodeView(node, emptyState(), NOW, undefined, d), FILE, d);
    assert.match(entry.tooltip, /\| diagnosis \| agent\\_not\\_running \(p2p\) · 2026-01-02T12:30:00\.000Z \|/);
    assert.match(entry.children[0].tooltip, /`agent_not_running`/);
    assert.equal(entry.description, 'rsync · 20 ms · p2p failing');
  });
});
