import { strict as assert } from 'node:assert';
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { DoctorCause, DoctorReport } from '../../../src/core/doctor';
import { CLI_JS, startCluster, type TestCluster, type TestNode } from '../harness/cluster';
import { startSilentServer } from '../harness/processes';

const run = promisify(execFile);

/**
 * The fault matrix through the built CLI: one loopback node per fault, each fault made for
 * real (a stopped agent, a SIGSTOPped one, ports that accept and never speak, a key not in
 * authorized_keys, a replaced host key, a ForceCommand that refuses rsync, an agent reporting too
 * little disk, a node with nothing listening), one `doctor --all --json` over all of them.
 */
describe('doctor: the fault matrix on a real loopback cluster', function () {
  this.timeout(180000);
  let cluster: TestCluster;
  let hostsFile: string;
  let stateDir: string;
  let payload: string;
  let report: DoctorReport;
  let exitCode: number;
  let tookMs: number;
  const silent: Array<{ close(): Promise<void> }> = [];

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const all = [CLI_JS, ...args, '--hosts', hostsFile, '--state-dir', stateDir, '--known-hosts', cluster.knownHostsFile, '--timeout', '20', '--concurrency', '5'];
    const env = { ...process.env, HOME: cluster.dir, SSH_AUTH_SOCK: '' };
    try {
      const { stdout, stderr } = await run(process.execPath, all, { env, maxBuffer: 16 << 20 });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  let work: string;

  before(async () => {
    work = fs.mkdtempSync('/tmp/ringrift-doctor-');
    const refuseRsync = path.join(work, 'refuse-rsync.sh');
    fs.writeFileSync(refuseRsync, '#!/bin/sh\ncase "$SSH_ORIGINAL_COMMAND" in\n  rsync*) echo "sh: 1: rsync: not found" >&2; exit 127;;\nesac\nexec /bin/sh -c "$SSH_ORIGINAL_COMMAND"\n', { mode: 0o755 });
    // SSH-side faults need no agent (p2p left out of their chain): fewer processes starting at once.
    const sshOnly = { agent: false, fields: { p2p_enabled: false } };
    cluster = await startCluster([
      { name: 'healthy' },
      { name: 'agent-stopped', agent: false },
      { name: 'agent-frozen' },
      { name: 'silent-p2p', agent: false },
      { name: 'silent-ssh', ...sshOnly },
      { name: 'key-missing', ...sshOnly },
      { name: 'hostkey-replaced', ...sshOnly },
      { name: 'no-rsync', ...sshOnly, sshdConfig: [`ForceCommand ${refuseRsync}`] },
      { name: 'disk-low', agentArgs: ['--fake-free-bytes', '1000'] },
      { name: 'nothing-listening', agent: false, sshd: false },
    ]);
    stateDir = path.join(cluster.dir, 'state');
    payload = path.join(cluster.dir, 'payload.bin');
    fs.writeFileSync(payload, Buffer.alloc(64 * 1024, 7));

    cluster.node('agent-frozen').agentProc?.child.kill('SIGSTOP');
    const p2pSilent = await startSilentServer(cluster.node('silent-p2p').address);
    const sshSilent = await startSilentServer(cluster.node('silent-ssh').address);
    silent.push(p2pSilent, sshSilent);

    const other = path.join(work, 'other_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'someone-else', '-f', other]);
    fs.writeFileSync(path.join(cluster.node('key-missing').dir, 'authorized_keys'), fs.readFileSync(other + '.pub'));

    const rebuilt = cluster.node('hostkey-replaced');
    await rebuilt.stopSshd();
    fs.rmSync(path.join(rebuilt.dir, 'host_key'));
    fs.rmSync(path.join(rebuilt.dir, 'host_key.pub'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', path.join(rebuilt.dir, 'host_key')]);
    await rebuilt.startSshd();

    hostsFile = cluster.writeHostsFile({ 'silent-p2p': { p2p_port: p2pSilent.port }, 'silent-ssh': { ssh_port: sshSilent.port } });
    const t0 = Date.now();
    const r = await cli('doctor', '--all', '--json', '--path', payload);
    tookMs = Date.now() - t0;
    exitCode = r.code;
    assert.equal(r.stderr.replace(/^warning:.*\n/gm, ''), '', 'doctor writes nothing to stderr');
    report = JSON.parse(r.stdout);
  });
  after(async () => {
    await Promise.all(silent.map((s) => s.close()));
    await cluster?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  const causesOf = (name: string): DoctorCause[] => {
    const n = report.nodes.find((x) => x.node === name);
    assert.ok(n, `no report for ${name}`);
    return n.causes;
  };
  const only = (name: string, transports: string[], cause: string): DoctorCause => {
    const got = causesOf(name);
    assert.deepEqual(got.map((c) => [c.transport, c.cause]), transports.map((t) => [t, cause]), JSON.stringify(got, null, 1));
    return got[0];
  };
  /** The ssh options every fix carries: doctor checked keys against this (non-default) known_hosts. */
  const trust = () => `-o UserKnownHostsFile=${cluster.knownHostsFile}`;
  /** `ssh -p PORT -i KEY USER@HOST` of this node, as every SSH fix must name it. */
  const sshOf = (n: TestNode) => `ssh ${trust()} -p ${n.sshPort} -i ${cluster.clientKey} ${cluster.user}@${n.address} `;

  it('exits 1 with a report for every node, in bounded time', () => {
    assert.equal(exitCode, 1);
    assert.equal(report.nodes.length, cluster.nodes.length);
    assert.ok(tookMs < 90000, `doctor took ${tookMs} ms`);
  });

  it('healthy node: no causes', () => {
    assert.deepEqual(causesOf('healthy'), []);
  });

  it('agent stopped: agent_not_running on p2p, fix starts it over SSH', () => {
    const n = cluster.node('agent-stopped');
    const c = only(n.name, ['p2p'], 'agent_not_running');
    assert.ok(c.fix.command.startsWith(sshOf(n)), c.fix.command);
    assert.match(c.fix.command, new RegExp(`ringrift-sync agent --port ${n.agentPort} --root ${n.root} `));
    assert.equal(c.fix.runOn, 'here');
  });

  it('agent SIGSTOPped: service_unresponsive on p2p, fix kills and restarts it over SSH', () => {
    const n = cluster.node('agent-frozen');
    const c = only(n.name, ['p2p'], 'service_unresponsive');
    assert.ok(c.fix.command.startsWith(sshOf(n)), c.fix.command);
    const [kill, start] = c.fix.command.split(`; ${sshOf(n)}`);
    assert.match(kill, new RegExp(`pkill -KILL -f .*\\[r\\]ingrift-sync agent --port ${n.agentPort}`));
    assert.match(start ?? '', new RegExp(`nohup ringrift-sync agent --port ${n.agentPort} `));
    assert.ok(c.evidence.tried.some((o) => o.check.startsWith('tcp (p2p port)') && o.result === 'open'), 'TCP accepted');
  });

  it('p2p port that accepts and never speaks: service_unresponsive on p2p', () => {
    const n = cluster.node('silent-p2p');
    const c = only(n.name, ['p2p'], 'service_unresponsive');
    assert.ok(c.fix.command.startsWith(sshOf(n)), c.fix.command);
    assert.ok(c.evidence.tried.some((o) => o.check === 'p2p probe' && o.result === 'no_answer'));
  });

  it('SSH port that accepts and never speaks: service_unresponsive on rsync and base64, fix on the console', () => {
    const n = cluster.node('silent-ssh');
    const c = only(n.name, ['rsync', 'base64'], 'service_unresponsive');
    const port = report.nodes.find((x) => x.node === n.name)?.evidence?.target.sshPort;
    assert.match(c.fix.title, new RegExp(`${n.address}:${port}`));
    assert.equal(c.fix.runOn, 'node');
    assert.ok(c.evidence.tried.some((o) => o.check.startsWith('ssh banner') && o.result === 'silent'));
  });

  it('our key missing from authorized_keys: ssh_auth_failed, fix is ssh-copy-id with our key', () => {
    const n = cluster.node('key-missing');
    const c = only(n.name, ['rsync', 'base64'], 'ssh_auth_failed');
    assert.equal(c.fix.command, `ssh-copy-id -i ${cluster.clientKey} ${trust()} -p ${n.sshPort} ${cluster.user}@${n.address}`);
  });

  it('host key replaced: host_key_changed, fix removes the stale known_hosts line', () => {
    const n = cluster.node('hostkey-replaced');
    const c = only(n.name, ['rsync', 'base64'], 'host_key_changed');
    assert.equal(c.fix.command, `ssh-keygen -R '[${n.address}]:${n.sshPort}' -f ${cluster.knownHostsFile}`);
    const line = cluster.nodes.indexOf(n) + 1;
    assert.match(c.fix.title, new RegExp(`line ${line} of ${cluster.knownHostsFile}`));
    const fp = execFileSync('ssh-keygen', ['-lf', path.join(n.dir, 'host_key.pub')]).toString().split(' ')[1];
    assert.ok(c.fix.title.includes(fp), 'names the new fingerprint');
  });

  it('rsync refused by a ForceCommand: remote_tool_missing on rsync only, fix installs it over SSH', () => {
    const n = cluster.node('no-rsync');
    const c = only(n.name, ['rsync'], 'remote_tool_missing');
    assert.equal(c.fix.command, `${sshOf(n)}'sudo apt-get install -y rsync'`);
  });

  it('agent reporting too little disk: disk_full, fix lists what fills the root over SSH', () => {
    const n = cluster.node('disk-low');
    const c = only(n.name, ['all'], 'disk_full');
    assert.ok(c.fix.command.startsWith(sshOf(n)), c.fix.command);
    assert.ok(c.fix.command.includes(n.root));
    assert.match(c.evidence.summary, /1000 B free/);
  });

  it('nothing listening: node_offline on every transport, fix checks SSH then re-enables', () => {
    const n = cluster.node('nothing-listening');
    const c = only(n.name, ['p2p', 'rsync', 'base64'], 'node_offline');
    assert.ok(c.fix.command.startsWith(`ssh ${trust()} -o ConnectTimeout=5 -p ${n.sshPort} -i ${cluster.clientKey} ${cluster.user}@${n.address} true `), c.fix.command);
    assert.match(c.fix.command, new RegExp(`&& ringrift-sync reenable ${n.name} --hosts ${hostsFile}`));
  });

  it('a healthy node alone exits 0; the text output shows each fix ready to copy', async () => {
    const ok = await cli('doctor', 'healthy');
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^healthy: ok \(p2p, rsync, base64 answered; .* free\)$/m);
    const bad = await cli('doctor', 'agent-stopped');
    assert.equal(bad.code, 1);
    const n = cluster.node('agent-stopped');
    assert.match(bad.stdout, /p2p: agent_not_running: /);
    assert.ok(bad.stdout.split('\n').some((l) => l.trim().startsWith(sshOf(n))), bad.stdout);
  });
});
