import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cli } from '../harness/cliProcess';
import { orchestratorDown, orchestratorUp, type Orchestrator } from '../harness/orchestrator';

/**
 * The built CLI against the REAL RingRift orchestrator, with the hosts file its recipe writes
 * (p2p only reachable: nothing listens on SSH in its namespace).
 */
describe('CLI against the real RingRift orchestrator', function () {
  this.timeout(300_000);
  let work: string;
  let o: Orchestrator;
  let file: string;
  let base: string[];
  const cleanEnv = () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    for (const k of ['RINGRIFT_CLUSTER_AUTH_TOKEN', 'RINGRIFT_CLUSTER_AUTH_TOKEN_FILE', 'RINGRIFT_AGENT_TOKEN']) delete env[k];
    return env;
  };

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-orch-cli-'));
    o = await orchestratorUp(path.join(work, 'o13'), 13);
    file = path.join(work, 'F.npz');
    fs.writeFileSync(file, randomBytes(3 << 20));
    base = ['--hosts', o.hostsFile, '--state-dir', path.join(work, 'state'), '--known-hosts', path.join(work, 'known_hosts')];
  });

  after(async () => {
    if (o) await orchestratorDown(o.dir);
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('sync NODE --path F with the token in env lands F over p2p, verified by sha256', async () => {
    const r = await cli(['sync', o.nodeId, '--path', file, '--remote', 'data/cli/F.npz', '--json', ...base], { ...cleanEnv(), RINGRIFT_CLUSTER_AUTH_TOKEN: o.token });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const [res] = JSON.parse(r.stdout).results;
    const sha = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    assert.deepEqual([res.success, res.transportUsed, res.sha256, res.remotePath], [true, 'p2p', sha, 'data/cli/F.npz']);
    assert.equal(createHash('sha256').update(fs.readFileSync(path.join(o.dataDir, 'cli/F.npz'))).digest('hex'), sha);
    assert.ok(!r.stdout.includes(o.token) && !r.stderr.includes(o.token), 'the token must never be printed');
  });

  it('test --json with --token-file names the service; without a token p2p fails with auth_failed', async () => {
    const tokenFile = path.join(work, 'token');
    fs.writeFileSync(tokenFile, `  ${o.token}\n`);
    const good = await cli(['test', o.nodeId, '--transport', 'p2p', '--json', '--token-file', tokenFile, ...base], cleanEnv());
    assert.equal(good.code, 0, good.stdout + good.stderr);
    assert.deepEqual(JSON.parse(good.stdout).results.map((x: { success: boolean; service: string }) => [x.success, x.service]), [[true, 'ringrift_orchestrator']]);
    const none = await cli(['test', o.nodeId, '--transport', 'p2p', '--json', ...base], cleanEnv());
    assert.equal(none.code, 1);
    const [row] = JSON.parse(none.stdout).results;
    assert.deepEqual([row.success, row.code, row.service], [false, 'auth_failed', 'ringrift_orchestrator']);
    const wrong = await cli(['test', o.nodeId, '--transport', 'p2p', '--json', ...base], { ...cleanEnv(), RINGRIFT_CLUSTER_AUTH_TOKEN: 'wrong' });
    assert.equal(JSON.parse(wrong.stdout).results[0].code, 'auth_failed');
  });

  it('doctor names auth_failed with the fix that says how to set the token', async () => {
    const r = await cli(['doctor', o.nodeId, '--json', '--timeout', '3', ...base], { ...cleanEnv(), RINGRIFT_CLUSTER_AUTH_TOKEN: 'wrong' });
    const causes = JSON.parse(r.stdout).nodes[0].causes as Array<{ cause: string; transport: string; fix: { title: string } }>;
    const auth = causes.find((c) => c.transport === 'p2p');
    assert.equal(auth?.cause, 'auth_failed', JSON.stringify(causes));
    assert.match(auth!.fix.title, /RINGRIFT_CLUSTER_AUTH_TOKEN.*--token-file.*Set Cluster Token/);
  });

  it('a disallowed extension is refused before any byte; with no other way in, a clear failure naming the limit, node not disabled', async () => {
    const exe = path.join(work, 'tool.exe');
    fs.writeFileSync(exe, 'x');
    // A state of its own: the failed probes of the token tests would have the walk skip p2p.
    const base = ['--hosts', o.hostsFile, '--state-dir', path.join(work, 'state-limit'), '--known-hosts', path.join(work, 'known_hosts')];
    const r = await cli(['sync', o.nodeId, '--path', exe, '--remote', 'data/cli/tool.exe', '--json', ...base], { ...cleanEnv(), RINGRIFT_CLUSTER_AUTH_TOKEN: o.token });
    assert.equal(r.code, 1);
    const [res] = JSON.parse(r.stdout).results;
    assert.equal(res.success, false);
    assert.equal(res.disabled, false);
    assert.equal(res.attempts[0].transport, 'p2p');
    assert.equal(res.attempts[0].limit, 'extension_not_allowed');
    assert.match(res.attempts[0].error, /extension '\.exe'.*not one the orchestrator accepts.*the next transport of the chain takes over/);
    assert.match(res.message, /p2p cannot take this file \(extension_not_allowed\)/);
    assert.ok(!fs.existsSync(path.join(o.dataDir, 'cli/tool.exe')));

    const text = await cli(['sync', o.nodeId, '--path', exe, '--remote', 'data/cli/tool.exe', ...base], { ...cleanEnv(), RINGRIFT_CLUSTER_AUTH_TOKEN: o.token });
    assert.match(text.stdout, /p2p: .*extension '\.exe'/);
    const status = JSON.parse((await cli(['status', '--json', ...base], cleanEnv())).stdout);
    assert.equal(status.nodes[o.nodeId].enabled, true);
    assert.equal(status.nodes[o.nodeId].failures.p2p ?? 0, 0);
  });
});
