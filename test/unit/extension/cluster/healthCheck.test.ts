import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseHostsText } from '../../../../src/core/hosts';
import { ClusterService } from '../../../../src/extension/cluster/clusterService';
import { HealthCheck } from '../../../../src/extension/cluster/healthCheck';
import type { HostsState } from '../../../../src/extension/hosts/hostsState';
import { readSettings } from '../../../../src/extension/settings/extensionSettings';

/** A loopback port nobody listens on (bound, read, closed). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

describe('HealthCheck (the periodic check)', () => {
  let dir: string;
  let hosts: HostsState;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-health-'));
    const file = path.join(dir, 'distributed_hosts.yaml');
    const yaml = `hosts:\n  a:\n    ssh_host: 127.0.0.1\n    p2p_port: ${await closedPort()}\n    transports:\n      - type: p2p\n        priority: 1\n`;
    hosts = { kind: 'loaded', file, hosts: parseHostsText(yaml, file) };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const setup = (intervalMs: number, allowed: boolean) => {
    const service = new ClusterService({
      hosts: () => hosts,
      settings: () => readSettings((k) => (k === 'stateDir' ? path.join(dir, 'state') : undefined), { HOME: dir }),
      env: { HOME: dir },
      storedToken: () => undefined,
      prompts: {},
      log: { info: () => undefined, warn: () => undefined },
    });
    let rounds = 0;
    const check = new HealthCheck(service, () => intervalMs, () => allowed, () => rounds++, { info: () => undefined, warn: () => undefined });
    return { check, service, rounds: () => rounds };
  };
  const eventsFile = () => path.join(dir, 'state', 'events.jsonl');

  it('probes after one interval, warns with TRANSPORT_DEGRADED, and never disables the node', async () => {
    const { check, service, rounds } = setup(50, true);
    check.restart();
    const deadline = Date.now() + 10_000;
    while (rounds() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    check.stop();
    assert.ok(rounds() >= 1, 'a round ran');
    const events = fs.readFileSync(eventsFile(), 'utf8').trim().split('\n').map((l) => JSON.parse(l).type);
    assert.ok(events.includes('TRANSPORT_DEGRADED'));
    assert.ok(!events.includes('NODE_DISABLED'));
    assert.notEqual(service.readState(hosts).nodes.a.enabled, false);
  });

  it('does nothing when switched off (interval 0) or not allowed (Restricted Mode)', async () => {
    for (const [interval, allowed] of [[0, true], [50, false]] as const) {
      const { check, rounds } = setup(interval, allowed);
      check.restart();
      await new Promise((r) => setTimeout(r, 200));
      check.stop();
      assert.equal(rounds(), 0);
      assert.equal(fs.existsSync(eventsFile()), false, 'nothing written');
    }
  });
});
