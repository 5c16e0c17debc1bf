import { strict as assert } from 'node:assert';
import { chainText, nodeEntry } from '../../../../src/extension/tree/nodeEntry';
import { makeNode } from './nodeFixture';

describe('nodeEntry', () => {
  it('describes a node by its chain and status', () => {
    const entry = nodeEntry(makeNode(), '/c/distributed_hosts.yaml');
    assert.equal(entry.label, 'gpu-1');
    assert.equal(entry.description, 'p2p → http → rsync → base64 · ready');
    assert.equal(entry.kind, 'node');
  });

  it('has one child per transport, in chain order', () => {
    const entry = nodeEntry(makeNode({ transports: ['p2p', 'rsync', 'base64'] }), '/c/h.yaml');
    assert.deepEqual(entry.children.map((c) => c.label), ['p2p', 'rsync', 'base64']);
    assert.deepEqual(entry.children.map((c) => c.id), ['node/gpu-1/p2p', 'node/gpu-1/rsync', 'node/gpu-1/base64']);
  });

  it('puts address, user and ports in the tooltip', () => {
    const { tooltip } = nodeEntry(makeNode({ user: 'root', sshPort: 2222 }), '/c/h.yaml');
    assert.match(tooltip, /\| address \| `127\.0\.0\.11` \(tailscale_ip\) \|/);
    assert.match(tooltip, /\| ssh \| `root@127\.0\.0\.1:2222` \|/);
    assert.match(tooltip, /\| p2p port \| `8770` \|/);
    assert.match(tooltip, /\(default\)/);
  });

  it('escapes Markdown in a host name', () => {
    const { tooltip } = nodeEntry(makeNode({ name: 'gpu_*x*' }), '/c/h.yaml');
    assert.ok(tooltip.startsWith('**gpu\\_\\*x\\*** · ready'), tooltip.split('\n')[0]);
  });

  it('marks a node that is not synced', () => {
    const entry = nodeEntry(makeNode({ status: 'maintenance', ready: false }), '/c/h.yaml');
    assert.equal(entry.icon.id, 'vm-outline');
    assert.match(entry.tooltip, /maintenance \(shown, not synced\)/);
  });

  it("points at the host's key in the file", () => {
    assert.deepEqual(nodeEntry(makeNode(), '/c/h.yaml').location, { file: '/c/h.yaml', line: 3, column: 3 });
  });

  it('says so when a node has no transport left', () => {
    assert.equal(chainText(makeNode({ transports: [] })), 'no transport');
  });
});
