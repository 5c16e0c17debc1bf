import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { LOSSY_MAX_MBIT, type DoctorCause, type NodeReport } from '../../src/core/doctor';
import { DEFAULT_TRANSPORT_OPTIONS } from '../../src/core/transports/transport';
import { startLab, type Lab } from './lab';
import { labDoctor } from './labCli';
import { parseProfile } from './profiles';

const run = promisify(execFile);
const CONNECT_MS = DEFAULT_TRANSPORT_OPTIONS.connectTimeoutMs;

/**
 * `doctor` against real faults (issue #14): the built CLI, the lab's environment, the default
 * timeouts. A REJECTed agent port with the agent running vs a stopped agent; every SYN dropped
 * (timed: one connect timeout, not the sum of the checks); NAT with and without `nat_blocked`;
 * the wan profile measured by `--measure`.
 */
describe('network lab: doctor tells the network faults apart', function () {
  this.timeout(120000);
  let lab: Lab;
  const log: string[] = [];

  before(async () => {
    lab = await startLab({
      nodes: ['firewalled', 'stopped', 'silent', 'natflag', 'natted', 'wan'],
      profile: {
        firewalled: parseProfile('reject=8770'),
        silent: parseProfile('syn-drop=22,syn-drop=8770'),
        natflag: parseProfile('nat'),
        natted: parseProfile('nat'),
        wan: parseProfile('wan'),
      },
      hostFields: { natflag: { nat_blocked: true } },
    });
    await lab.stopAgent('stopped');
  });
  after(async () => {
    console.log(`      measured: ${log.join('; ')}`);
    await lab?.stop();
  });

  const doctor = (node: string, ...args: string[]) => labDoctor(lab, node, ...args);

  const causes = (n: NodeReport) => n.causes.map((c) => [c.transport, c.cause, c.expected ?? false]);
  const of = (n: NodeReport, transport: string): DoctorCause => n.causes.find((c) => c.transport === transport)!;

  it('REJECT on 8770 with the agent running: port_blocked (the node says it listens), fix opens the port', async () => {
    const { node, code } = await doctor('firewalled');
    assert.equal(code, 1);
    assert.deepEqual(causes(node), [['p2p', 'port_blocked', false]], JSON.stringify(node.causes, null, 1));
    assert.equal(node.evidence?.agentListen?.state, 'listening');
    assert.equal(node.evidence?.agentListen?.tool, 'ss');
    const c = of(node, 'p2p');
    assert.match(c.evidence.summary, /refuses the connection from here, but on the node, ss -ltn: listening on 0\.0\.0\.0:8770: a firewall REJECTs the port/);
    assert.match(c.fix.command, /ssh .*root@10\.203\.1\.2 'sudo ufw allow 8770\/tcp'$/);
    assert.match(c.fix.title, /or use the http transport/);
  });

  it('agent stopped, nothing filtered: agent_not_running (nothing listens), fix starts the agent', async () => {
    const { node } = await doctor('stopped');
    assert.deepEqual(causes(node), [['p2p', 'agent_not_running', false]], JSON.stringify(node.causes, null, 1));
    assert.equal(node.evidence?.agentListen?.state, 'not_listening');
    const c = of(node, 'p2p');
    assert.match(c.evidence.summary, /nothing listens on the agent port \(on the node, ss -ltn: nothing listens on port 8770\)/);
    assert.match(c.fix.command, /nohup ringrift-sync agent --port 8770/);
  });

  it('every SYN dropped: node_offline on every transport, within 1.5x one connect timeout', async () => {
    const { node, ms } = await doctor('silent');
    log.push(`node_offline (SYN drop on 22 and 8770) in ${ms.toFixed(0)} ms wall, ${node.evidence?.durationMs} ms of checks (connect timeout ${CONNECT_MS} ms)`);
    assert.deepEqual(causes(node), [['p2p', 'node_offline', false], ['rsync', 'node_offline', false], ['base64', 'node_offline', false]], JSON.stringify(node.causes, null, 1));
    assert.ok(node.evidence!.ports.every((p) => p.outcome === 'timeout'), 'every port check timed out (SYN unanswered)');
    // At least one connect timeout (the SYNs really went unanswered); at most 1.5 of them, the
    // CLI's start (~0.5 s here) included, plus 0.5 s for a loaded machine.
    assert.ok(node.evidence!.durationMs >= CONNECT_MS, `checks took ${node.evidence!.durationMs} ms`);
    assert.ok(ms < 1.5 * CONNECT_MS + 500, `doctor took ${ms.toFixed(0)} ms`);
  });

  it('NAT with nat_blocked in the hosts file: p2p and rsync nat_blocked, expected', async () => {
    const { node } = await doctor('natflag');
    const c = causes(node);
    assert.deepEqual(c.slice(0, 2), [['p2p', 'nat_blocked', true], ['rsync', 'nat_blocked', true]], JSON.stringify(node.causes, null, 1));
    assert.match(of(node, 'p2p').evidence.summary, /marked nat_blocked and 10\.203\.4\.2:8770 gets no answer to its SYN \(connect_timeout\), as expected/);
    assert.match(of(node, 'p2p').fix.title, /relay mode: syncs skip p2p and rsync and try base64, then http/);
    // Relay mode still needs SSH for base64, and the lab's NAT lets nothing in: that is a problem.
    assert.deepEqual(c.slice(2), [['base64', 'node_offline', false]]);
    assert.ok(of(node, 'base64').evidence.couldAlsoBe.some((x) => /nat_blocked .*SSH path/.test(x)));
  });

  it('NAT without the flag (and no tailscale to prove the node up): node_offline, NAT named as the other reading', async () => {
    const { node } = await doctor('natted');
    assert.deepEqual(causes(node).map(([, cause]) => cause), ['node_offline', 'node_offline', 'node_offline']);
    assert.ok(of(node, 'p2p').evidence.couldAlsoBe.some((x) => /behind NAT .*nat_blocked: true/.test(x)));
  });

  it('wan (40 ms, 0.5 % loss, 200 Mbit/s, CUBIC): --measure reports lossy_link with the measured rate and RTT', async () => {
    // Loss is random: a 4 MiB push now and then meets few drops and runs past 20 Mbit/s (CI saw
    // 38 Mbit/s once), and then the node rightly is not called slow. Up to 3 measurements.
    let tried: Awaited<ReturnType<typeof doctor>> & { mbit: number };
    for (let i = 0; ; i++) {
      const d = await doctor('wan', '--measure');
      const t = d.node.evidence!.throughput!;
      tried = { ...d, mbit: (t.bytes * 8) / (t.durationMs * 1000) };
      log.push(`wan: ${tried.mbit.toFixed(1)} Mbit/s over ${t.transport}, RTT ${t.rttMs} ms, doctor --measure ${(d.ms / 1000).toFixed(1)} s`);
      if (tried.mbit < LOSSY_MAX_MBIT || i === 2) break;
    }
    const { node, mbit } = tried;
    const m = node.evidence!.throughput!;
    assert.deepEqual(causes(node), [['p2p', 'lossy_link', false]], JSON.stringify(node.causes, null, 1));
    assert.equal(m.leftOver, undefined, 'the test file was removed');
    assert.ok(mbit > 0.5 && mbit < LOSSY_MAX_MBIT, `${mbit} Mbit/s`);
    assert.ok(m.rttMs! >= 35 && m.rttMs! < 200, `RTT ${m.rttMs} ms`);
    const c = of(node, 'p2p');
    assert.match(c.evidence.summary, new RegExp(`p2p syncs, but slowly: ${mbit.toFixed(1)} Mbit/s measured with a ${m.rttMs} ms round trip`));
    assert.match(c.fix.command, /tcp_congestion_control=bbr/);
    const left = await run('ssh', [...lab.sshOptions(), lab.sshTarget('wan'), `ls -A ${lab.node('wan').root}`]);
    assert.doesNotMatch(left.stdout, /ringrift-doctor/);
  });
});
