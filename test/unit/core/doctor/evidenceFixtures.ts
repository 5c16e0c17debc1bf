import type { TransportKind } from '../../../../src/core/hosts/nodeSpec';
import type { NodeEvidence, PortEvidence, PortRole, ProbeEvidence } from '../../../../src/core/doctor';
import type { TransportFailureCode } from '../../../../src/core/transports/failureCodes';

/**
 * Recorded evidence for one node, as gatherEvidence writes it: gpu-7 at 10.0.0.7, user ubuntu,
 * SSH on 22 with key /home/op/.ssh/ringrift, agent on 8770 rooted at /srv/ringrift, chain
 * p2p -> rsync -> base64, everything answering. Each scenario breaks what it is about.
 */

export const KEY = '/home/op/.ssh/ringrift';
export const KNOWN_HOSTS = '/home/op/.ssh/known_hosts';
export const SSH = `ssh -p 22 -i ${KEY} ubuntu@10.0.0.7`;
const GIB = 1024 ** 3;

const OK_MESSAGES: Record<TransportKind, string> = {
  p2p: 'p2p: 10.0.0.7:8770: agent gpu-7 0.1.0 healthy in 12 ms',
  http: 'http: 203.0.113.7:40870: agent gpu-7 0.1.0 healthy in 80 ms',
  rsync: 'rsync over ssh to ubuntu@10.0.0.7:22 works (dry run into /srv/ringrift; local rsync 3.2.7)',
  base64: 'node gpu-7: base64 over SSH ok (sha256sum), 240 ms',
};

export function healthy(): NodeEvidence {
  const chain: TransportKind[] = ['p2p', 'rsync', 'base64'];
  return {
    target: {
      node: 'gpu-7', address: '10.0.0.7', sshHost: '10.0.0.7', user: 'ubuntu', sshPort: 22, sshKey: KEY, p2pPort: 8770,
      remoteBase: '/srv/ringrift', natBlocked: false, chain, viaProxyJump: false,
    },
    context: { knownHostsFile: KNOWN_HOSTS, sshOptions: [], base64ChunkBytes: 64 * 1024 * 1024, cliArgs: [] },
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 400,
    probes: chain.map((t) => ({ transport: t, success: true, message: OK_MESSAGES[t], latencyMs: 20 })),
    ports: [
      { role: 'p2p', host: '10.0.0.7', port: 8770, outcome: 'open', latencyMs: 3, message: '10.0.0.7:8770: open' },
      { role: 'ssh', host: '10.0.0.7', port: 22, outcome: 'open', spoke: true, banner: 'SSH-2.0-OpenSSH_9.2', latencyMs: 4, message: "10.0.0.7:22: open, says 'SSH-2.0-OpenSSH_9.2'" },
    ],
    disk: { source: 'agent', freeBytes: 100 * GIB, totalBytes: 400 * GIB, path: '/srv/ringrift' },
    minFreeBytes: GIB,
  };
}

/** Adds the `http` transport on the public address 203.0.113.7:40870 (and tailscale for p2p). */
export function withHttp(ev: NodeEvidence): NodeEvidence {
  ev.target = { ...ev.target, address: '100.64.0.7', tailscaleIp: '100.64.0.7', sshHost: '203.0.113.7', httpPort: 40870, chain: ['p2p', 'http', 'rsync', 'base64'] };
  ev.probes.splice(1, 0, { transport: 'http', success: true, message: OK_MESSAGES.http, latencyMs: 80 });
  ev.ports = [
    { role: 'p2p', host: '100.64.0.7', port: 8770, outcome: 'open', latencyMs: 3, message: '100.64.0.7:8770: open' },
    { role: 'http', host: '203.0.113.7', port: 40870, outcome: 'open', latencyMs: 30, message: '203.0.113.7:40870: open' },
    { role: 'ssh', host: '203.0.113.7', port: 22, outcome: 'open', spoke: true, banner: 'SSH-2.0-OpenSSH_9.2', latencyMs: 30, message: 'open' },
  ];
  return ev;
}

/** The transport's probe fails with `code`. */
export function fail(ev: NodeEvidence, t: TransportKind, code: TransportFailureCode, message = `${t} failed (${code})`, latencyMs = 50): NodeEvidence {
  const p: ProbeEvidence = { transport: t, success: false, code, message, latencyMs };
  ev.probes = ev.probes.map((x) => (x.transport === t ? p : x));
  return ev;
}

/** The port check of `role` came back as `outcome` (for ssh, `spoke` says whether the banner came). */
export function port(ev: NodeEvidence, role: PortRole, outcome: PortEvidence['outcome'], spoke?: boolean): NodeEvidence {
  ev.ports = ev.ports.map((p) =>
    p.role === role ? { ...p, outcome, spoke: role === 'ssh' ? (spoke ?? false) : undefined, banner: spoke ? p.banner : undefined, message: `${p.host}:${p.port}: ${outcome}` } : p,
  );
  return ev;
}

/** Both SSH transports fail the same way. */
export function sshFails(ev: NodeEvidence, code: TransportFailureCode, message?: string): NodeEvidence {
  return fail(fail(ev, 'rsync', code, message), 'base64', code, message);
}
