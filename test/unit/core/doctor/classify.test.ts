import { strict as assert } from 'node:assert';
import { CAUSE_IDS, classify, type DoctorCause, type NodeEvidence } from '../../../../src/core/doctor';
import { KEY, KNOWN_HOSTS, SSH, fail, healthy, port, sshFails, withHttp } from './evidenceFixtures';
import { NETWORK_SCENARIOS } from './networkScenarios';

/**
 * classify() on recorded evidence: every cause id, and the ambiguous combinations where the rule
 * must pick the cause the evidence proves. Each scenario names what broke and what must be found.
 */
interface Scenario {
  name: string;
  evidence: () => NodeEvidence;
  expect: Array<[string, string]>;
  check?: (causes: DoctorCause[]) => void;
}

const GIB = 1024 ** 3;

const SCENARIOS: Scenario[] = [
  { name: 'everything answers', evidence: healthy, expect: [] },
  {
    name: 'every port times out',
    evidence: () => port(port(sshFails(fail(healthy(), 'p2p', 'connect_timeout'), 'connect_timeout'), 'p2p', 'timeout'), 'ssh', 'timeout'),
    expect: [['p2p', 'node_offline'], ['rsync', 'node_offline'], ['base64', 'node_offline']],
    check: ([c]) => {
      assert.ok(c.fix.command.startsWith(`ssh -o ConnectTimeout=5 -p 22 -i ${KEY} ubuntu@10.0.0.7 true && ringrift-sync reenable gpu-7`), c.fix.command);
      assert.ok(c.evidence.couldAlsoBe.some((x) => /firewall/.test(x)));
    },
  },
  {
    name: 'every port refuses (nothing listening)',
    evidence: () => port(port(sshFails(fail(healthy(), 'p2p', 'refused'), 'refused'), 'p2p', 'refused'), 'ssh', 'refused'),
    expect: [['p2p', 'node_offline'], ['rsync', 'node_offline'], ['base64', 'node_offline']],
    check: ([c]) => assert.match(c.evidence.summary, /every one refused/),
  },
  {
    name: 'agent port refuses, SSH port times out: no service answers, offline (mixed wording)',
    evidence: () => port(port(sshFails(fail(healthy(), 'p2p', 'refused'), 'connect_timeout'), 'p2p', 'refused'), 'ssh', 'timeout'),
    expect: [['p2p', 'node_offline'], ['rsync', 'node_offline'], ['base64', 'node_offline']],
    check: ([c]) => assert.ok(c.evidence.couldAlsoBe.some((x) => /a port refused/.test(x))),
  },
  {
    name: 'agent port times out while SSH works',
    evidence: () => port(fail(healthy(), 'p2p', 'connect_timeout'), 'p2p', 'timeout'),
    expect: [['p2p', 'port_blocked']],
    check: ([c]) => {
      assert.equal(c.fix.command, `${SSH} 'sudo ufw allow 8770/tcp'`);
      assert.ok(c.evidence.couldAlsoBe.some((x) => /behind NAT: then mark it nat_blocked/.test(x)));
    },
  },
  {
    name: 'agent times out on both addresses while SSH works: one fix, the agent port, for both',
    evidence: () => port(port(fail(fail(withHttp(healthy()), 'p2p', 'connect_timeout'), 'http', 'connect_timeout'), 'p2p', 'timeout'), 'http', 'timeout'),
    expect: [['p2p', 'port_blocked'], ['http', 'port_blocked']],
    check: ([p2p, http]) => {
      assert.equal(http.fix.command, p2p.fix.command);
      assert.equal(http.fix.command, "ssh -p 22 -i /home/op/.ssh/ringrift ubuntu@203.0.113.7 'sudo ufw allow 8770/tcp'");
      assert.match(http.fix.title, /maps public port 40870 to it/);
    },
  },
  {
    name: 'SSH port times out while the agent answers',
    evidence: () => port(sshFails(healthy(), 'connect_timeout'), 'ssh', 'timeout'),
    expect: [['rsync', 'port_blocked'], ['base64', 'port_blocked']],
    check: ([c]) => assert.deepEqual([c.fix.command, c.fix.runOn], ['sudo ufw allow 22/tcp', 'node']),
  },
  {
    name: 'SSH through a ProxyJump times out (no direct port check)',
    evidence: () => {
      const ev = sshFails(healthy(), 'connect_timeout');
      ev.target.viaProxyJump = true;
      ev.ports = ev.ports.filter((p) => p.role !== 'ssh');
      return ev;
    },
    expect: [['rsync', 'port_blocked'], ['base64', 'port_blocked']],
    check: ([c]) => assert.ok(c.evidence.couldAlsoBe.some((x) => /ProxyJump/.test(x))),
  },
  {
    name: 'agent port refuses while SSH works',
    evidence: () => port(fail(healthy(), 'p2p', 'refused'), 'p2p', 'refused'),
    expect: [['p2p', 'agent_not_running']],
    check: ([c]) => {
      assert.equal(c.fix.command, `${SSH} 'cd /srv/ringrift || exit 1; nohup ringrift-sync agent --port 8770 --root /srv/ringrift --name gpu-7 </dev/null >/tmp/ringrift-agent.log 2>&1 &'`);
      assert.deepEqual([c.fix.runOn, c.fix.changes], ['here', 'node']);
    },
  },
  {
    name: 'agent port refuses and our SSH key is refused: both causes, the restart waits for login',
    evidence: () => port(sshFails(fail(healthy(), 'p2p', 'refused'), 'auth_failed'), 'p2p', 'refused'),
    expect: [['p2p', 'agent_not_running'], ['rsync', 'ssh_auth_failed'], ['base64', 'ssh_auth_failed']],
    check: ([c]) => assert.match(c.fix.title, /once SSH login works/),
  },
  {
    name: 'a configured restart command replaces the default start line',
    evidence: () => {
      const ev = port(fail(healthy(), 'p2p', 'refused'), 'p2p', 'refused');
      ev.context.agentRestartCommand = 'sudo systemctl restart ringrift-p2p';
      return ev;
    },
    expect: [['p2p', 'agent_not_running']],
    check: ([c]) => assert.equal(c.fix.command, `${SSH} 'sudo systemctl restart ringrift-p2p'`),
  },
  {
    name: 'agent accepts TCP but never answers (hung)',
    evidence: () => fail(healthy(), 'p2p', 'no_answer', 'p2p: TCP accepted but no HTTP answer in 8 s', 8000),
    expect: [['p2p', 'service_unresponsive']],
    check: ([c]) => {
      const [kill, start] = c.fix.command.split(`; ${SSH} `);
      assert.equal(kill, `${SSH} 'pkill -KILL -f '\\''[r]ingrift-sync agent --port 8770( |$)'\\''; sleep 1'`);
      assert.match(start, /^'cd \/srv\/ringrift \|\| exit 1; nohup ringrift-sync agent --port 8770 /);
    },
  },
  {
    name: 'SSH port accepts and never sends its banner',
    evidence: () => port(fail(fail(healthy(), 'rsync', 'connect_timeout'), 'base64', 'handshake_timeout'), 'ssh', 'open', false),
    expect: [['rsync', 'service_unresponsive'], ['base64', 'service_unresponsive']],
    check: ([c]) => assert.deepEqual([c.fix.command, c.fix.runOn], ['sudo systemctl restart ssh', 'node']),
  },
  {
    name: 'sshd greets but the login never finishes',
    evidence: () => sshFails(healthy(), 'timeout'),
    expect: [['rsync', 'service_unresponsive'], ['base64', 'service_unresponsive']],
    check: ([c]) => assert.equal(c.fix.command, `ssh -o ConnectTimeout=5 -p 22 -i ${KEY} ubuntu@10.0.0.7 'uptime; df -h ~'`),
  },
  {
    name: 'agent hung and sshd silent: the whole node hangs, fixes go to the console',
    evidence: () => port(sshFails(fail(healthy(), 'p2p', 'no_answer'), 'handshake_timeout'), 'ssh', 'open', false),
    expect: [['p2p', 'service_unresponsive'], ['rsync', 'service_unresponsive'], ['base64', 'service_unresponsive']],
    check: ([p2p]) => {
      assert.equal(p2p.fix.runOn, 'node');
      assert.ok(p2p.fix.command.startsWith("pkill -KILL -f '[r]ingrift-sync agent --port 8770( |$)'; sleep 1; cd /srv/ringrift"), p2p.fix.command);
      assert.ok(p2p.evidence.couldAlsoBe.some((x) => /whole node/.test(x)));
    },
  },
  {
    name: 'host marked nat_blocked, p2p times out',
    evidence: () => {
      const ev = port(fail(healthy(), 'p2p', 'connect_timeout'), 'p2p', 'timeout');
      ev.target.natBlocked = true;
      return ev;
    },
    expect: [['p2p', 'nat_blocked']],
    check: ([c]) => {
      assert.equal(c.expected, true, 'syncs already skip p2p on a nat_blocked node: not a problem');
      assert.deepEqual([c.fix.command, c.fix.changes], ['ringrift-sync test gpu-7 --transport p2p', 'nothing']);
    },
  },
  {
    name: 'host marked nat_blocked but p2p refuses: the refusal is what is proven',
    evidence: () => {
      const ev = port(fail(healthy(), 'p2p', 'refused'), 'p2p', 'refused');
      ev.target.natBlocked = true;
      return ev;
    },
    expect: [['p2p', 'agent_not_running']],
  },
  {
    name: 'agent answers on tailscale but not on its public address',
    evidence: () => port(fail(withHttp(healthy()), 'http', 'connect_timeout'), 'http', 'timeout'),
    expect: [['http', 'nat_blocked']],
    check: ([c]) => {
      assert.equal(c.expected, undefined, 'the http fallback is broken: a problem');
      assert.equal(c.fix.command, 'curl -sS --max-time 5 http://203.0.113.7:40870/health');
      assert.match(c.fix.title, /Map public port 40870 to the agent's port 8770 at the provider/);
      assert.doesNotMatch(c.fix.title, /mark it nat_blocked/, 'marking it would make syncs skip the p2p that works');
    },
  },
  {
    name: 'agent answers on its public address but the p2p address refuses (bound to one address?)',
    evidence: () => port(fail(withHttp(healthy()), 'p2p', 'refused'), 'p2p', 'refused'),
    expect: [['p2p', 'unclassified']],
    check: ([c]) => {
      assert.match(c.evidence.summary, /--bind/);
      assert.equal(c.fix.command, 'ringrift-sync prefer gpu-7 http && ringrift-sync reenable gpu-7');
    },
  },
  {
    name: 'tailscale says the node is offline and p2p (on its tailscale_ip) times out',
    evidence: () => {
      const ev = port(fail(withHttp(healthy()), 'p2p', 'connect_timeout'), 'p2p', 'timeout');
      ev.tailscale = { available: true, found: true, online: false, message: 'gpu-7 (100.64.0.7) is offline in tailscale' };
      return ev;
    },
    expect: [['p2p', 'tailscale_down']],
    check: ([c]) => assert.deepEqual([c.fix.command, c.fix.runOn], ['sudo tailscale up', 'node']),
  },
  {
    name: 'tailscale stopped on this machine: the fix runs here, not on the node',
    evidence: () => {
      const ev = port(fail(withHttp(healthy()), 'p2p', 'connect_timeout'), 'p2p', 'timeout');
      ev.tailscale = { available: true, found: false, selfDown: true, message: "tailscale on this machine is Stopped: run 'tailscale up' to reach 100.64.0.7" };
      return ev;
    },
    expect: [['p2p', 'tailscale_down']],
    check: ([c]) => assert.deepEqual([c.fix.command, c.fix.runOn, c.fix.changes], ['sudo tailscale up', 'here', 'local']),
  },
  {
    name: 'our key is refused',
    evidence: () => sshFails(healthy(), 'auth_failed', 'node gpu-7: ssh ubuntu@10.0.0.7:22: authentication as ubuntu failed'),
    expect: [['rsync', 'ssh_auth_failed'], ['base64', 'ssh_auth_failed']],
    check: ([c]) => assert.equal(c.fix.command, `ssh-copy-id -i ${KEY} -p 22 ubuntu@10.0.0.7`),
  },
  {
    name: 'host key changed (known_hosts line 12)',
    evidence: () => {
      const ev = sshFails(healthy(), 'host_key_changed');
      ev.hostKey = { status: 'changed', host: '10.0.0.7', port: 22, knownHostsFile: KNOWN_HOSTS, line: 12, knownFingerprint: 'SHA256:old', presentedFingerprint: 'SHA256:new', keyType: 'ssh-ed25519' };
      return ev;
    },
    expect: [['rsync', 'host_key_changed'], ['base64', 'host_key_changed']],
    check: ([c]) => {
      assert.equal(c.fix.command, `ssh-keygen -R '10.0.0.7' -f ${KNOWN_HOSTS}`);
      assert.match(c.fix.title, /now SHA256:new.*line 12 of \/home\/op\/\.ssh\/known_hosts.*ringrift-sync test gpu-7 --accept-new/);
      assert.ok(c.evidence.tried.some((o) => o.result === 'changed' && o.detail.includes('SHA256:old')));
    },
  },
  {
    name: 'host key unknown, on a non-standard port',
    evidence: () => {
      const ev = sshFails(healthy(), 'host_key_unknown');
      ev.target.sshPort = 2222;
      ev.hostKey = { status: 'unknown', host: '10.0.0.7', port: 2222, knownHostsFile: KNOWN_HOSTS, presentedFingerprint: 'SHA256:abc' };
      return ev;
    },
    expect: [['rsync', 'host_key_unknown'], ['base64', 'host_key_unknown']],
    check: ([c]) => {
      assert.equal(c.fix.command, `ssh-keyscan -p 2222 10.0.0.7 >> ${KNOWN_HOSTS}`);
      assert.match(c.fix.title, /SHA256:abc/);
    },
  },
  { name: 'host key revoked', evidence: () => sshFails(healthy(), 'host_key_revoked'), expect: [['rsync', 'host_key_revoked'], ['base64', 'host_key_revoked']] },
  {
    name: 'rsync missing on the node; base64 still works',
    evidence: () => fail(healthy(), 'rsync', 'remote_tool_missing', 'rsync is not installed on gpu-7 (sh: 1: rsync: not found)'),
    expect: [['rsync', 'remote_tool_missing']],
    check: ([c]) => {
      assert.equal(c.fix.command, `${SSH} 'sudo apt-get install -y rsync'`);
      assert.match(c.fix.title, /ringrift-sync prefer gpu-7 base64/);
    },
  },
  {
    name: 'no sha256sum nor shasum on the node (base64)',
    evidence: () => fail(healthy(), 'base64', 'remote_tool_missing', "node gpu-7: base64: the node has neither 'sha256sum' nor 'shasum'; install coreutils"),
    expect: [['base64', 'remote_tool_missing']],
    check: ([c]) => assert.equal(c.fix.command, `${SSH} 'sudo apt-get install -y coreutils'`),
  },
  {
    name: 'agent reports less free disk than the push needs',
    evidence: () => Object.assign(healthy(), { neededBytes: 2 * GIB, disk: { source: 'agent', freeBytes: 10 * 1024 * 1024, totalBytes: 400 * GIB, path: '/srv/ringrift' } }),
    expect: [['all', 'disk_full']],
    check: ([c]) => {
      assert.match(c.evidence.summary, /10\.0 MiB free at \/srv\/ringrift; the push needs 2\.0 GiB/);
      assert.equal(c.fix.command, `${SSH} 'df -h /srv/ringrift; du -xsh /srv/ringrift/* 2>/dev/null | sort -h | tail -n 20'`);
    },
  },
  {
    name: 'no --path: below the 1 GiB floor is full',
    evidence: () => Object.assign(healthy(), { disk: { source: 'ssh', freeBytes: 1000, totalBytes: GIB } }),
    expect: [['all', 'disk_full']],
  },
  {
    name: 'enough disk for the push, even below the floor',
    evidence: () => Object.assign(healthy(), { neededBytes: 100, disk: { source: 'agent', freeBytes: 1000 } }),
    expect: [],
  },
  { name: 'disk could not be read', evidence: () => Object.assign(healthy(), { disk: { source: 'agent', error: 'p2p: refused' } }), expect: [] },
  {
    name: 'rsync probes fine but its last push stalled',
    evidence: () => Object.assign(healthy(), {
      history: { enabled: true, recent: [{ time: '2025-01-01T00:00:00Z', transport: 'rsync', result: 'failed', kind: 'sync', durationMs: 31000, error: 'rsync push to gpu-7 stalled: no data for 30 s (rsync --timeout)' }] },
    }),
    expect: [['rsync', 'transfer_timeout']],
    check: ([c]) => assert.equal(c.fix.command, 'ringrift-sync sync gpu-7 --path FILE --force-transport rsync'),
  },
  {
    name: 'base64 push stalled: smaller chunks',
    evidence: () => Object.assign(healthy(), {
      history: { enabled: true, recent: [{ time: 't', transport: 'base64', result: 'failed', kind: 'sync', error: 'no progress for 30000 ms at byte 5 of 9' }] },
    }),
    expect: [['base64', 'transfer_timeout']],
    check: ([c]) => {
      assert.deepEqual([c.fix.command, c.fix.runOn], ['RINGRIFT_SYNC_BASE64_CHUNK_BYTES=8388608 ringrift-sync sync gpu-7 --path FILE --force-transport base64', 'here']);
      assert.match(c.fix.title, /"ringriftSync\.base64ChunkBytes": 8388608/);
    },
  },
  {
    name: 'p2p push stalled: prefer rsync',
    evidence: () => Object.assign(healthy(), {
      history: { enabled: true, recent: [{ time: 't', transport: 'p2p', result: 'failed', kind: 'sync', error: 'p2p: 10.0.0.7:8770: no progress for 30 s; the agent or the network stalled' }] },
    }),
    expect: [['p2p', 'transfer_timeout']],
    check: ([c]) => assert.equal(c.fix.command, 'ringrift-sync prefer gpu-7 rsync && ringrift-sync reenable gpu-7'),
  },
  {
    name: 'a stall followed by a good push is history, not a cause',
    evidence: () => Object.assign(healthy(), {
      history: { enabled: true, recent: [
        { time: 't1', transport: 'rsync', result: 'failed', kind: 'sync', error: 'stalled: no data for 30 s' },
        { time: 't2', transport: 'rsync', result: 'ok', kind: 'sync' },
      ] },
    }),
    expect: [],
  },
  {
    name: 'SSH refuses while the agent answers',
    evidence: () => port(sshFails(healthy(), 'refused'), 'ssh', 'refused'),
    expect: [['rsync', 'sshd_not_running'], ['base64', 'sshd_not_running']],
    check: ([c]) => assert.deepEqual([c.fix.command, c.fix.runOn], ['sudo systemctl start ssh', 'node']),
  },
  { name: 'agent wants a token', evidence: () => fail(healthy(), 'p2p', 'unauthorized'), expect: [['p2p', 'agent_token_rejected']] },
  {
    name: 'the RingRift orchestrator refuses our cluster token',
    evidence: () => fail(healthy(), 'p2p', 'auth_failed'),
    expect: [['p2p', 'auth_failed']],
    check: ([c]) => {
      assert.match(c.fix.title, /RINGRIFT_CLUSTER_AUTH_TOKEN.*--token-file FILE.*RingRift Sync: Set Cluster Token/);
      assert.equal(c.fix.runOn, 'here');
    },
  },
  {
    name: 'another program holds the agent port',
    evidence: () => fail(healthy(), 'p2p', 'bad_answer'),
    expect: [['p2p', 'wrong_service']],
    check: ([c]) => assert.equal(c.fix.command, `${SSH} 'sudo ss -ltnp '\\''sport = :8770'\\'''`),
  },
  {
    name: 'the address does not resolve',
    evidence: () => {
      const ev = port(port(sshFails(fail(healthy(), 'p2p', 'dns'), 'dns'), 'p2p', 'dns'), 'ssh', 'dns');
      return ev;
    },
    expect: [['p2p', 'address_unresolved'], ['rsync', 'address_unresolved'], ['base64', 'address_unresolved']],
  },
  { name: 'rsync missing here', evidence: () => fail(healthy(), 'rsync', 'local_tool_missing'), expect: [['rsync', 'local_tool_missing']] },
  {
    name: 'disabled node whose transports work again',
    evidence: () => Object.assign(healthy(), { history: { enabled: false, disabledAt: '2025-01-01T00:00:00Z', reason: 'all_transports_exhausted', recent: [] } }),
    expect: [['all', 'node_disabled']],
    check: ([c]) => assert.equal(c.fix.command, 'ringrift-sync reenable gpu-7'),
  },
  {
    name: 'an SSH failure no rule explains: the manual check, with the tool speaking',
    evidence: () => fail(healthy(), 'rsync', 'connection_lost', 'ssh connection to gpu-7 failed or dropped (rsync code 12)'),
    expect: [['rsync', 'unclassified']],
    check: ([c]) => assert.match(c.fix.command, /^rsync -av --partial/),
  },
];

describe('doctor classify (recorded evidence)', () => {
  for (const s of [...SCENARIOS, ...NETWORK_SCENARIOS]) {
    it(`${s.name} -> ${s.expect.map(([t, c]) => `${t}:${c}`).join(', ') || 'no cause'}`, () => {
      const ev = s.evidence();
      const causes = classify(ev);
      assert.deepEqual(causes.map((c) => [c.transport, c.cause]), s.expect, JSON.stringify(causes, null, 1));
      // Recorded evidence (as `doctor --json` writes it) replays to the same diagnosis.
      assert.deepEqual(classify(JSON.parse(JSON.stringify(ev)) as NodeEvidence), causes);
      for (const c of causes) {
        assert.ok(c.evidence.summary.length > 0 && c.evidence.tried.length > 0, 'every cause says why, from what was tried');
        assert.ok(c.fix.title && c.fix.command, 'every cause has a fix');
      }
      s.check?.(causes);
    });
  }

  it('the scenarios cover every cause id', () => {
    const seen = new Set([...SCENARIOS, ...NETWORK_SCENARIOS].flatMap((s) => s.expect.map(([, c]) => c)));
    assert.deepEqual(CAUSE_IDS.filter((id) => !seen.has(id)), []);
  });

  it('repeats the user\'s --hosts on ringrift-sync fixes and names a custom known_hosts on ssh ones', () => {
    const ev = port(sshFails(fail(healthy(), 'p2p', 'refused'), 'refused'), 'ssh', 'refused');
    port(ev, 'p2p', 'refused');
    ev.context.cliArgs = ['--hosts', '/etc/ring rift/hosts.yaml'];
    ev.context.sshOptions = ['-o', 'UserKnownHostsFile=/tmp/kh'];
    const [c] = classify(ev);
    assert.equal(c.fix.command, `ssh -o UserKnownHostsFile=/tmp/kh -o ConnectTimeout=5 -p 22 -i ${KEY} ubuntu@10.0.0.7 true && ringrift-sync reenable gpu-7 --hosts '/etc/ring rift/hosts.yaml'`);
  });

  it('quotes a remote root under ~ so the node\'s shell still expands it', () => {
    const ev = port(fail(healthy(), 'p2p', 'refused'), 'p2p', 'refused');
    ev.target.remoteBase = '~/ring rift';
    const [c] = classify(ev);
    assert.match(c.fix.command, /cd "\$HOME"\/'\\''ring rift'\\'' \|\| exit 1/);
  });
});
