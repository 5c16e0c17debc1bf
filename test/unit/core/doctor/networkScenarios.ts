import { strict as assert } from 'node:assert';
import type { AgentListenEvidence, DoctorCause, NodeEvidence } from '../../../../src/core/doctor';
import { SSH, fail, healthy, port, sshFails, withHttp } from './evidenceFixtures';

/**
 * Issue #14's distinctions on recorded evidence: a firewall vs a stopped agent (the node asked over
 * SSH whether the agent listens), NAT vs offline (the hosts-file flag, or the tailscale address
 * answering), and a slow link measured by a timed push. classify.test.ts runs these too.
 */
export interface Scenario {
  name: string;
  evidence: () => NodeEvidence;
  expect: Array<[string, string]>;
  check?: (causes: DoctorCause[]) => void;
}

const MiB = 1024 * 1024;

function listen(ev: NodeEvidence, state: AgentListenEvidence['state'], tool: AgentListenEvidence['tool'] = 'ss', addresses: string[] = []): NodeEvidence {
  const on = addresses.map((a) => `${a}:8770`).join(', ');
  const detail = state === 'not_listening' ? 'ss -ltn: nothing listens on port 8770' : state === 'unknown' ? 'none of ss, netstat, bash, curl there' : `${tool}: listening on ${on || '127.0.0.1:8770'}`;
  ev.agentListen = { port: 8770, tool, state, addresses, detail };
  return ev;
}

function mtu(ev: NodeEvidence, outcome: 'answered' | 'no_answer'): NodeEvidence {
  ev.pathMtu = { host: '10.0.0.7', port: 8770, paddedBytes: 7600, outcome, ms: outcome === 'answered' ? 4 : 3001, detail: `padded: ${outcome}` };
  return ev;
}

const refused = () => port(fail(healthy(), 'p2p', 'refused'), 'p2p', 'refused');
const dropped = () => port(fail(healthy(), 'p2p', 'connect_timeout'), 'p2p', 'timeout');
/** Nothing answers any SYN: the p2p, rsync and base64 probes and both port checks time out. */
const silentNode = () => port(port(sshFails(fail(healthy(), 'p2p', 'connect_timeout'), 'connect_timeout'), 'p2p', 'timeout'), 'ssh', 'timeout');
/** p2p over tailscale 100.64.0.7 works; the public address 203.0.113.7 answers nothing. */
const publicSilent = () => port(port(sshFails(fail(withHttp(healthy()), 'http', 'connect_timeout'), 'connect_timeout'), 'http', 'timeout'), 'ssh', 'timeout');

function measured(bytes: number, durationMs: number, rttMs: number): NodeEvidence {
  const ev = healthy();
  ev.throughput = { transport: 'p2p', bytes, durationMs, rttMs };
  return ev;
}

export const NETWORK_SCENARIOS: Scenario[] = [
  {
    name: 'agent port REJECTed while the agent listens on the node (ss: 0.0.0.0)',
    evidence: () => listen(refused(), 'listening', 'ss', ['0.0.0.0']),
    expect: [['p2p', 'port_blocked']],
    check: ([c]) => {
      assert.match(c.evidence.summary, /refuses the connection from here, but on the node, ss: listening on 0\.0\.0\.0:8770: a firewall REJECTs/);
      assert.equal(c.fix.command, `${SSH} 'sudo ufw allow 8770/tcp'`);
      assert.match(c.fix.title, /or use the http transport/);
      assert.ok(c.evidence.tried.some((o) => o.check === 'listening on :8770 (on the node, ss)' && o.result === 'listening'));
    },
  },
  {
    name: 'agent port refuses while our SSH login landed through a port forward (public :2205 -> node :22)',
    evidence: () => {
      const ev = listen(refused(), 'listening', 'ss', ['0.0.0.0']);
      ev.target.sshPort = 2205;
      ev.agentListen!.sshLanded = { host: '172.17.0.4', port: 22 };
      return ev;
    },
    expect: [['p2p', 'nat_blocked']],
    check: ([c]) => {
      assert.equal(c.expected, undefined);
      assert.match(c.evidence.summary, /10\.0\.0\.7:8770 refuses, while our SSH login to 10\.0\.0\.7:2205 landed on the node at 172\.17\.0\.4:22 \(a port forward\)/);
      assert.match(c.fix.title, /set p2p_public_port to it, or mark gpu-7 nat_blocked: true/);
      assert.equal(c.fix.command, 'ringrift-sync test gpu-7');
    },
  },
  {
    name: 'agent port REJECTed, SSH landed on the port we dialed (no forward): still port_blocked',
    evidence: () => {
      const ev = listen(refused(), 'listening', 'ss', ['0.0.0.0']);
      ev.agentListen!.sshLanded = { host: '172.31.0.9', port: 22 };
      return ev;
    },
    expect: [['p2p', 'port_blocked']],
  },
  {
    name: 'agent port refuses and nothing listens on the node',
    evidence: () => listen(refused(), 'not_listening'),
    expect: [['p2p', 'agent_not_running']],
    check: ([c]) => {
      assert.match(c.evidence.summary, /nothing listens on the agent port \(on the node, ss -ltn: nothing listens on port 8770\)/);
      assert.ok(!c.evidence.couldAlsoBe.some((x) => /REJECT/.test(x)), 'the node said: no firewall guess');
      assert.match(c.fix.command, /nohup ringrift-sync agent --port 8770/);
    },
  },
  {
    name: 'agent port refuses, the agent listens on 127.0.0.1 only',
    evidence: () => listen(refused(), 'loopback_only', 'ss', ['127.0.0.1']),
    expect: [['p2p', 'agent_not_running']],
    check: ([c]) => assert.match(c.evidence.summary, /listens on loopback only/),
  },
  {
    name: 'agent port refuses, no tool on the node could say: the firewall stays a guess',
    evidence: () => listen(refused(), 'unknown', 'none'),
    expect: [['p2p', 'agent_not_running']],
    check: ([c]) => assert.ok(c.evidence.couldAlsoBe.some((x) => /REJECTs port 8770 \(the node could not say/.test(x))),
  },
  {
    name: 'agent port refuses, bash /dev/tcp connects to 127.0.0.1 on the node',
    evidence: () => listen(refused(), 'listening', 'bash'),
    expect: [['p2p', 'port_blocked']],
    check: ([c]) => assert.ok(c.evidence.couldAlsoBe.some((x) => /127\.0\.0\.1 only/.test(x))),
  },
  {
    name: 'agent port refuses, something listens only on another address of the node',
    evidence: () => listen(refused(), 'other_address', 'ss', ['172.31.0.9']),
    expect: [['p2p', 'agent_not_running']],
    check: ([c]) => assert.ok(c.evidence.couldAlsoBe.some((x) => /if NAT maps/.test(x))),
  },
  {
    name: 'agent port drops SYNs and nothing listens on the node',
    evidence: () => listen(dropped(), 'not_listening'),
    expect: [['p2p', 'agent_not_running']],
    check: ([c]) => assert.match(c.evidence.summary, /times out \(connect_timeout\) and on the node, .*not running/),
  },
  {
    name: 'agent port drops SYNs while the agent listens on the node',
    evidence: () => listen(dropped(), 'listening', 'ss', ['0.0.0.0']),
    expect: [['p2p', 'port_blocked']],
    check: ([c]) => {
      assert.match(c.evidence.summary, /on the node, ss: listening on 0\.0\.0\.0:8770: packets to that port are dropped/);
      assert.ok(!c.evidence.couldAlsoBe.some((x) => /agent is stopped/.test(x)));
    },
  },
  {
    name: 'nat_blocked node: SYNs to 22 and 8770 unanswered -> the direct transports expected, base64 has no path',
    evidence: () => {
      const ev = silentNode();
      ev.target.natBlocked = true;
      return ev;
    },
    expect: [['p2p', 'nat_blocked'], ['rsync', 'nat_blocked'], ['base64', 'node_offline']],
    check: ([p2p, rsync, base64]) => {
      assert.equal(p2p.expected, true);
      assert.equal(rsync.expected, true);
      assert.equal(base64.expected, undefined);
      assert.match(p2p.fix.title, /relay mode: syncs skip p2p and rsync and try base64, then http/);
      assert.ok(base64.evidence.couldAlsoBe.some((x) => /nat_blocked .*SSH path/.test(x)));
    },
  },
  {
    name: "nat_blocked node behind a provider's SSH proxy: p2p at the proxy's address refused (expected), SSH lands through a forward",
    evidence: () => {
      const ev = listen(refused(), 'listening', 'ss', ['0.0.0.0']);
      ev.target.natBlocked = true;
      ev.target.sshPort = 2205;
      ev.agentListen!.sshLanded = { host: '172.17.0.4', port: 22 };
      return ev;
    },
    expect: [['p2p', 'nat_blocked']],
    check: ([p2p]) => {
      assert.equal(p2p.expected, true);
      assert.match(p2p.evidence.summary, /marked nat_blocked and 10\.0\.0\.7:8770 refuses the connection, as expected: relay mode skips p2p; ssh port 10\.0\.0\.7:22 \(spoke\), rsync probe, base64 probe answered/);
    },
  },
  {
    name: 'force_relay_mode node, rsync cut by our deadline (code timeout) while the SSH port drops SYNs',
    evidence: () => {
      const ev = port(port(fail(fail(fail(healthy(), 'p2p', 'connect_timeout'), 'rsync', 'timeout'), 'base64', 'connect_timeout'), 'p2p', 'timeout'), 'ssh', 'timeout');
      ev.target.forceRelayMode = true;
      return ev;
    },
    expect: [['p2p', 'nat_blocked'], ['rsync', 'nat_blocked'], ['base64', 'node_offline']],
    check: ([, rsync]) => assert.match(rsync.evidence.summary, /marked force_relay_mode/),
  },
  {
    name: 'no flag, every SYN unanswered and no other path: node_offline, NAT named as a possibility',
    evidence: silentNode,
    expect: [['p2p', 'node_offline'], ['rsync', 'node_offline'], ['base64', 'node_offline']],
    check: ([c]) => assert.ok(c.evidence.couldAlsoBe.some((x) => /behind NAT .*nat_blocked: true/.test(x))),
  },
  {
    name: 'no flag, the public address answers nothing while p2p over tailscale works: NAT likely, keep p2p',
    evidence: publicSilent,
    expect: [['http', 'nat_blocked'], ['rsync', 'nat_blocked'], ['base64', 'nat_blocked']],
    check: ([, rsync]) => {
      assert.match(rsync.evidence.summary, /203\.0\.113\.7 answers nothing .* tailscale address 100\.64\.0\.7 answers \(p2p works over it\): the node is likely behind NAT/);
      assert.match(rsync.fix.title, /leave nat_blocked unset .*set ssh_host: 100\.64\.0\.7/);
      assert.equal(rsync.fix.command, 'ssh -o ConnectTimeout=5 -p 22 -i /home/op/.ssh/ringrift ubuntu@100.64.0.7 true');
    },
  },
  {
    name: 'no flag, nothing connects but tailscale says the node is online: NAT likely, mark nat_blocked',
    evidence: () => {
      const ev = port(fail(publicSilent(), 'p2p', 'connect_timeout'), 'p2p', 'timeout');
      ev.tailscale = { available: true, found: true, online: true, message: 'gpu-7 online (direct)' };
      return ev;
    },
    expect: [['p2p', 'node_offline'], ['http', 'nat_blocked'], ['rsync', 'nat_blocked'], ['base64', 'nat_blocked']],
    check: ([, http]) => {
      assert.match(http.evidence.summary, /tailscale status: online/);
      assert.match(http.fix.title, /Mark gpu-7 nat_blocked: true in the hosts file \(RingRift relay mode/);
    },
  },
  {
    name: 'a timed push is slow over a long path (4 MiB in 7 s, RTT 41 ms)',
    evidence: () => measured(4 * MiB, 7000, 41),
    expect: [['p2p', 'lossy_link']],
    check: ([c]) => {
      assert.match(c.evidence.summary, /p2p syncs, but slowly: 4\.8 Mbit\/s measured with a 41 ms round trip/);
      assert.match(c.evidence.tried[0].detail, /4\.0 MiB in 7\.0 s = 4\.8 Mbit\/s, RTT 41 ms/);
      assert.match(c.fix.command, /tcp_congestion_control=bbr/);
    },
  },
  {
    name: 'MTU black hole: /health answers, the padded /health does not; nothing else failed yet',
    evidence: () => mtu(healthy(), 'no_answer'),
    expect: [['all', 'mtu_blackhole']],
    check: ([c]) => {
      assert.match(c.evidence.summary, /GET \/health answers, but the same request padded to 7600 bytes got no answer in 3001 ms: full-size packets vanish on the path to 10\.0\.0\.7:8770: every large push to gpu-7 will stall/);
      assert.equal(c.fix.command, 'sudo sysctl -w net.ipv4.tcp_mtu_probing=1');
      assert.equal(c.fix.changes, 'local');
    },
  },
  {
    name: 'MTU black hole: the OpenSSH login hangs after the banner (key exchange), explained by the padded /health',
    evidence: () => mtu(fail(healthy(), 'rsync', 'timeout'), 'no_answer'),
    expect: [['rsync', 'mtu_blackhole']],
    check: ([c]) => {
      assert.match(c.evidence.summary, /greets .* but the login or the command never finished .*; GET \/health answers, but the same request padded/);
      assert.ok(c.evidence.tried.some((o) => o.check === 'padded GET /health 10.0.0.7:8770' && o.result === 'no_answer'));
    },
  },
  { name: 'the padded /health answers: no black hole', evidence: () => mtu(healthy(), 'answered'), expect: [] },
  { name: 'a timed push is fast over a long path', evidence: () => measured(4 * MiB, 300, 41), expect: [] },
  { name: 'a timed push is slow on a short path (the node, not the link)', evidence: () => measured(4 * MiB, 7000, 2), expect: [] },
  {
    name: 'the push could not be measured',
    evidence: () => {
      const ev = healthy();
      ev.throughput = { transport: 'p2p', bytes: 0, durationMs: 0, error: 'not measured: SSH login does not work' };
      return ev;
    },
    expect: [],
  },
];
