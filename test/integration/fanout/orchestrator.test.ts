import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fanOut } from '../../../src/core/fanout/fanOut';
import type { FanoutEvent } from '../../../src/core/fanout/results';
import { loadHostsFile } from '../../../src/core/hosts/loadHostsFile';
import { openSession } from '../../../src/core/session';
import { linkOrchestrators, logTail, orchestratorDown, orchestratorUp, type Orchestrator } from '../harness/orchestrator';

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/**
 * A fan-out over two real RingRift orchestrators (each in its own namespace): the first is seeded
 * over p2p (its multipart upload), the second is asked to POST /sync/pull from it and its copy is
 * checked with GET /files/info?type=data. Instances 21 and 22: namespaces rro21, rro22.
 */
describe('fan-out between real RingRift orchestrators', function () {
  this.timeout(300_000);
  let work: string;
  let o1: Orchestrator;
  let o2: Orchestrator;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-fanout-it-'));
    const token = randomBytes(16).toString('hex');
    [o1, o2] = await Promise.all([orchestratorUp(path.join(work, 'o21'), 21, { token }), orchestratorUp(path.join(work, 'o22'), 22, { token })]);
    // o2 reaches o1 over a veth between their namespaces; the fan-out names o1 by its own address
    // (the hosts file's), so o2 routes that address over the link.
    const via = await linkOrchestrators(o1, o2);
    execFileSync('ip', ['netns', 'exec', o2.ns, 'ip', 'route', 'replace', `${o1.addr}/32`, 'via', via]);
  });

  after(async () => {
    for (const o of [o1, o2]) if (o) await orchestratorDown(o.dir);
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('seeds one orchestrator from here; the other pulls from it and is verified by its own /files/info', async () => {
    const hostsFile = path.join(work, 'distributed_hosts.yaml');
    const hostsOf = (o: Orchestrator) => fs.readFileSync(o.hostsFile, 'utf8').replace(/^hosts:\n/, '');
    fs.writeFileSync(hostsFile, `hosts:\n${hostsOf(o1)}${hostsOf(o2)}`);
    const hosts = await loadHostsFile(hostsFile);
    assert.ok(hosts.ok, hosts.ok ? '' : hosts.message);
    const session = openSession({ hosts: hosts.value, env: { RINGRIFT_CLUSTER_AUTH_TOKEN: o1.token }, stateDir: path.join(work, 'state'), knownHostsFile: '/dev/null' });
    const file = path.join(work, 'model.npz');
    fs.writeFileSync(file, randomBytes(5 * 1024 * 1024 + 3));
    const events: FanoutEvent[] = [];
    const results = await fanOut(session.nodes, { localPath: file, remotePath: 'data/fan/model.npz' }, { router: session.router, transportOptions: session.transportOptions }, (e) => events.push(e), new AbortController().signal);
    const [seed, pulled] = results;
    assert.deepEqual([seed.node, seed.route, seed.source, seed.wave, seed.success], [o1.nodeId, 'seed', 'local', 1, true], seed.message);
    assert.deepEqual([pulled.node, pulled.route, pulled.source, pulled.wave, pulled.success], [o2.nodeId, 'pull', o1.nodeId, 2, true], `${pulled.message}\n${logTail(o2)}`);
    assert.equal(pulled.sha256, sha256(file));
    assert.equal(sha256(path.join(o2.dataDir, 'fan/model.npz')), sha256(file));
    assert.ok(events.some((e) => e.type === 'verified' && e.node === o2.nodeId));
  });
});
