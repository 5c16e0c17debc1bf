import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCluster, type TestCluster } from '../harness/cluster';
import { nodeSpecOf } from '../harness/nodeSpecs';
import { inspectHostKey } from '../../../src/core/ssh/hostKeyChange';
import { fingerprintOf } from '../../../src/core/ssh/knownHosts';
import { diskSpace, runOnNode } from '../../../src/core/ssh/nodeCommands';
import { DEFAULT_TRANSPORT_OPTIONS, type TransportOptions } from '../../../src/core/transports/transport';

/** The operator's one-off SSH actions (disk space, agent restart, changed host key) against a real sshd. */
describe('integration: core/ssh nodeCommands and hostKeyChange (real sshd)', function () {
  this.timeout(30000);
  let cluster: TestCluster;
  const never = new AbortController().signal;
  const options = (over: Partial<TransportOptions> = {}): TransportOptions => ({
    ...DEFAULT_TRANSPORT_OPTIONS, knownHostsFile: cluster.knownHostsFile, env: { HOME: cluster.dir, USER: cluster.user }, ...over,
  });
  const pubKey = (name: string) => cluster.node(name).hostKeyPub.trim().split(/\s+/)[1];

  before(async () => {
    cluster = await startCluster([{ name: 'alpha', agent: false }, { name: 'beta', agent: false }]);
  });
  after(async () => cluster?.stop());

  it('runs a command on the node and returns its exit code and output', async () => {
    const alpha = cluster.node('alpha');
    const r = await runOnNode(nodeSpecOf(cluster, alpha), options(), `cd '${alpha.root}' && echo restarted > marker && echo done; exit 3`, never);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.deepEqual([r.value.code, r.value.stdout.trim()], [3, 'done']);
    assert.equal(fs.readFileSync(path.join(alpha.root, 'marker'), 'utf8').trim(), 'restarted');
  });

  it("measures the free space of the node's ringrift_path, or of its home when that is missing", async () => {
    const alpha = cluster.node('alpha');
    const r = await diskSpace(nodeSpecOf(cluster, alpha), options(), never);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.equal(r.value.path, alpha.root);
    assert.ok(r.value.totalBytes > 0 && r.value.freeBytes > 0 && r.value.freeBytes <= r.value.totalBytes);
    const missing = await diskSpace(nodeSpecOf(cluster, alpha, { remoteBase: '/no/such/dir' }), options(), never);
    assert.ok(missing.ok && missing.value.path !== '/no/such/dir');
  });

  it('refuses to run anything on a node whose host key changed, naming the known_hosts line', async () => {
    const kh = path.join(cluster.dir, 'changed_known_hosts');
    const beta = cluster.node('beta');
    fs.writeFileSync(kh, `[${beta.address}]:${beta.sshPort} ssh-ed25519 ${pubKey('alpha')}\n`);
    const r = await runOnNode(nodeSpecOf(cluster, beta), options({ knownHostsFile: kh }), 'touch should-not-exist', never);
    assert.ok(!r.ok && r.code === 'host_key_changed', JSON.stringify(r));
    assert.equal(fs.existsSync(path.join(beta.root, 'should-not-exist')), false);

    const inspected = await inspectHostKey(nodeSpecOf(cluster, beta), options({ knownHostsFile: kh }), never);
    assert.ok(inspected.ok, !inspected.ok ? inspected.message : '');
    assert.deepEqual(inspected.value.check, { status: 'changed', file: kh, line: 1, knownFingerprint: fingerprintOf(pubKey('alpha')) });
    assert.equal(inspected.value.presented.fingerprint, fingerprintOf(pubKey('beta')));
  });

  it('reports a matching key as a match, and an unreachable node as a failure with its code', async () => {
    const beta = cluster.node('beta');
    const ok = await inspectHostKey(nodeSpecOf(cluster, beta), options(), never);
    assert.ok(ok.ok && ok.value.check.status === 'match');
    const gone = await inspectHostKey(nodeSpecOf(cluster, beta, { sshPort: 1 }), options(), never);
    assert.ok(!gone.ok && gone.code === 'refused', JSON.stringify(gone));
  });
});
