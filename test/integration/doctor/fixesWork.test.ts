import { strict as assert } from 'node:assert';
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { DoctorCause, DoctorReport } from '../../../src/core/doctor';
import { CLI_JS, REPO_ROOT, startCluster, type TestCluster } from '../harness/cluster';
import { startProcess, waitForPort, type Started } from '../harness/processes';

const run = promisify(execFile);

/** PIDs of `ringrift-sync agent` processes whose command line names a path under `dir`. */
function agentPidsUnder(dir: string): number[] {
  return fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e)).flatMap((pid) => {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return argv.includes('agent') && argv.some((a) => a.startsWith(dir + '/')) ? [Number(pid)] : [];
    } catch {
      return []; // gone meanwhile
    }
  });
}

/**
 * The fixes doctor shows are run here exactly as shown (a person would paste them), and doctor is
 * asked again: the node must come out healthy. `ringrift-sync` on the nodes is a symlink to the
 * built CLI, put on the SSH session's PATH by the node's sshd (SetEnv), so `pkill -f` sees the
 * same command line as on a real node.
 */
describe('doctor: its fixes, run as shown, make the node healthy (loopback)', function () {
  this.timeout(180000);
  let cluster: TestCluster;
  let hostsFile: string;
  let home: string;
  let frozen: Started | undefined;
  const shim = fs.mkdtempSync('/tmp/ringrift-doctor-bin-');

  before(async () => {
    fs.symlinkSync(path.join(REPO_ROOT, 'dist/cli.js'), path.join(shim, 'ringrift-sync'));
    const setPath = `SetEnv PATH=${shim}:${path.dirname(process.execPath)}:/usr/bin:/bin`;
    cluster = await startCluster([
      { name: 'stopped', agent: false, sshdConfig: [setPath] },
      { name: 'frozen', agent: false, sshdConfig: [setPath] },
      { name: 'rebuilt', agent: false },
    ]);
    hostsFile = cluster.writeHostsFile({ rebuilt: { p2p_enabled: false } });
    // Not ~/.ssh/known_hosts: the fix commands must name the known_hosts doctor checked keys against.
    home = cluster.dir;

    const n = cluster.node('frozen');
    frozen = startProcess(process.execPath, [path.join(shim, 'ringrift-sync'), 'agent', '--port', String(n.agentPort), '--root', n.root, '--name', n.name]);
    await waitForPort(n.address, n.agentPort, 5000, 'frozen agent');
    frozen.child.kill('SIGSTOP');
  });
  after(async () => {
    await frozen?.stop();
    // The agents the fixes started belong to no harness handle: stop them by PID, found by their
    // --root under this cluster's own temporary directory.
    if (cluster) for (const pid of agentPidsUnder(cluster.dir)) process.kill(pid, 'SIGKILL');
    await cluster?.stop();
    fs.rmSync(shim, { recursive: true, force: true });
  });

  async function doctor(node: string): Promise<{ code: number; report: DoctorReport }> {
    const args = [CLI_JS, 'doctor', node, '--json', '--hosts', hostsFile, '--state-dir', path.join(cluster.dir, 'state'), '--known-hosts', cluster.knownHostsFile, '--timeout', '20'];
    try {
      const { stdout } = await run(process.execPath, args, { env: { ...process.env, HOME: home, SSH_AUTH_SOCK: '' } });
      return { code: 0, report: JSON.parse(stdout) };
    } catch (err) {
      const e = err as { code: number; stdout: string };
      return { code: e.code, report: JSON.parse(e.stdout) };
    }
  }

  /**
   * Runs the line from a script file, as pasted into a terminal: here the "node" shares this
   * machine's process table, and `sh -c LINE` would put the line where the node's pkill looks.
   */
  async function runFix(c: DoctorCause): Promise<void> {
    assert.equal(c.fix.runOn, 'here');
    const script = path.join(cluster.dir, 'fix.sh');
    fs.writeFileSync(script, c.fix.command + '\n');
    // The bound fails the test if ssh waits on the started agent instead of returning (generous:
    // this machine may be loaded).
    await run('sh', [script], { env: { ...process.env, HOME: home, SSH_AUTH_SOCK: '' }, timeout: 60000 });
  }

  async function fixAndRecheck(node: string, cause: string, waitPort?: { host: string; port: number }): Promise<void> {
    const before = await doctor(node);
    assert.equal(before.code, 1);
    const c = before.report.nodes[0].causes.find((x) => x.cause === cause);
    assert.ok(c, JSON.stringify(before.report.nodes[0].causes));
    await runFix(c);
    if (waitPort) await waitForPort(waitPort.host, waitPort.port, 10000, `agent of ${node} after the fix`);
    const after = await doctor(node);
    assert.deepEqual(after.report.nodes[0].causes, []);
    assert.equal(after.code, 0);
  }

  it('agent_not_running: the start command brings the agent up', async () => {
    const n = cluster.node('stopped');
    await fixAndRecheck(n.name, 'agent_not_running', { host: n.address, port: n.agentPort });
  });

  it('service_unresponsive (agent SIGSTOPped): the restart command kills it and starts a fresh one', async () => {
    const n = cluster.node('frozen');
    await fixAndRecheck(n.name, 'service_unresponsive', { host: n.address, port: n.agentPort });
    assert.equal(frozen?.child.signalCode, 'SIGKILL', 'the hung agent was killed');
  });

  it('host_key_changed: removing the stale line, then test --accept-new, clears it', async () => {
    const n = cluster.node('rebuilt');
    await n.stopSshd();
    for (const f of ['host_key', 'host_key.pub']) fs.rmSync(path.join(n.dir, f));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', path.join(n.dir, 'host_key')]);
    await n.startSshd();
    const before = await doctor(n.name);
    const c = before.report.nodes[0].causes.find((x) => x.cause === 'host_key_changed');
    assert.ok(c);
    await runFix(c);
    assert.match(c.fix.title, /ringrift-sync test rebuilt --accept-new/);
    await run(process.execPath, [CLI_JS, 'test', n.name, '--accept-new', '--hosts', hostsFile, '--state-dir', path.join(cluster.dir, 'state'), '--known-hosts', cluster.knownHostsFile],
      { env: { ...process.env, HOME: home, SSH_AUTH_SOCK: '' } });
    const after = await doctor(n.name);
    assert.deepEqual(after.report.nodes[0].causes, []);
  });
});
