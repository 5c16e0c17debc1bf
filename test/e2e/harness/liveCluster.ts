// The loopback cluster the e2e run points VS Code at (run under tsx by liveCluster.mjs):
// real OpenSSH sshd + our agent per node, from the integration harness. Writes cluster.json into
// the run dir, prints READY, and stops every node on SIGTERM. Logs of each sshd (VERBOSE: one line
// per connection) and agent (one line per request) go to files, so a test can prove that nothing
// connected (Restricted Mode).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCluster } from '../../integration/harness/cluster';

/** What the e2e suites read (test/e2e/suite/liveCluster.ts has the same shape). */
export interface LiveClusterInfo {
  hostsYaml: string;
  knownHostsFile: string;
  clientKey: string;
  nodes: Record<string, { address: string; sshPort: number; agentPort: number; root: string; sshdLog?: string; agentLog?: string }>;
}

// A third octet of its own: integration suites running beside this one use 127.0.100-199.x.
const THIRD_OCTET = 231;

async function main(): Promise<void> {
  const runDir = process.argv[2];
  if (!runDir) throw new Error('usage: liveCluster.ts RUN_DIR');
  const cluster = await startCluster(
    [
      { name: 'gpu-alpha', logLevel: 'VERBOSE', fields: { role: 'gpu_training', gpu: 'H100', gpu_vram_gb: 80, vast_instance_id: 1234567 } },
      { name: 'gpu-beta', agent: false, logLevel: 'VERBOSE', fields: { role: 'gpu_selfplay', p2p_enabled: false, provider_note: 'unknown field, kept' } },
      // Nothing runs for these two: every transport is refused, fast.
      { name: 'gpu-dead', agent: false, sshd: false, fields: { role: 'gpu_selfplay' } },
      {
        name: 'gpu-gamma',
        agent: false,
        sshd: false,
        fields: { role: 'backbone', status: 'maintenance', transports: [{ type: 'p2p', priority: 1 }, { type: 'ssh', priority: 2, fallback: true }, { type: 'base64', priority: 3, last_resort: true }] },
      },
    ],
    THIRD_OCTET,
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await cluster.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());

  const logs = path.join(runDir, 'cluster-logs');
  fs.mkdirSync(logs, { recursive: true });
  const info: LiveClusterInfo = { hostsYaml: '', knownHostsFile: cluster.knownHostsFile, clientKey: cluster.clientKey, nodes: {} };
  for (const n of cluster.nodes) {
    const entry: LiveClusterInfo['nodes'][string] = { address: n.address, sshPort: n.sshPort, agentPort: n.agentPort, root: n.root };
    for (const [kind, proc] of [['sshd', n.sshdProc], ['agent', n.agentProc]] as const) {
      if (!proc) continue;
      const file = path.join(logs, `${n.name}-${kind}.log`);
      fs.writeFileSync(file, '');
      const append = (b: Buffer) => fs.appendFileSync(file, b);
      proc.child.stdout?.on('data', append);
      proc.child.stderr?.on('data', append);
      if (kind === 'sshd') entry.sshdLog = file;
      else entry.agentLog = file;
    }
    info.nodes[n.name] = entry;
  }
  const alpha = cluster.node('gpu-alpha');
  // The http transport reaches the same agent through ssh_host:p2p_public_port.
  const file = cluster.writeHostsFile({ 'gpu-alpha': { p2p_public_port: alpha.agentPort } });
  info.hostsYaml =
    '# e2e: a live loopback cluster (test/e2e/harness/liveCluster.ts), written for this run.\n' +
    blockTransports(fs.readFileSync(file, 'utf8')) +
    // gpu-beta's rsync runs at 40 Mbit/s (5 MB/s): slow enough to cancel a transfer midway.
    '\n# Other sections of the real file must not break loading.\nsync_routing:\n  max_disk_usage_percent: 70\nauto_sync:\n  max_concurrent_syncs: 4\n  host_bandwidth_overrides:\n    gpu-beta: 40\n';
  fs.writeFileSync(path.join(runDir, 'cluster.json'), JSON.stringify(info, null, 2));
  console.log('READY');
  // Stay up until the run stops us.
  setInterval(() => undefined, 1 << 30);
}

/** The harness writes each field as JSON; a `transports:` list reads as the runbook writes it (block style). */
function blockTransports(yaml: string): string {
  return yaml.replace(/^(\s+)transports: (\[.*\])$/m, (_line, indent: string, json: string) => {
    const steps = JSON.parse(json) as Array<Record<string, unknown>>;
    const out = [`${indent}transports:`];
    for (const step of steps) {
      Object.entries(step).forEach(([k, v], i) => out.push(`${indent}${i === 0 ? '  - ' : '    '}${k}: ${v}`));
    }
    return out.join('\n');
  });
}

main().catch((err) => {
  console.error(`liveCluster: ${err?.stack ?? err}`);
  process.exit(1);
});
