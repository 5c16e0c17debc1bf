/**
 * The fleet's HTTP side, in ONE process apart from the bench (so its CPU and memory are not the
 * client's): a reference agent for each healthy node and a silent TCP server (accepts, never
 * answers) on each port of each silent node. Loopback only.
 *
 *   node --import tsx bench/fleet/nodeServers.ts SPEC.json
 * SPEC: {"agents":[{"name","address","root"}],"silent":[{"address","ports":N}]}
 * Prints one JSON line {"agents":{name:port},"silent":{address:[port...]}} when every server
 * listens, then serves until SIGTERM.
 */
import * as fs from 'node:fs';
import { startAgent, type RunningAgent } from '../../src/agent/server';
import { assertLoopback } from '../../src/demo/ports';
import { startSilentServer } from '../../test/integration/harness/processes';

interface Spec {
  agents: Array<{ name: string; address: string; root: string }>;
  silent: Array<{ address: string; ports: number }>;
}

async function main(): Promise<void> {
  const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as Spec;
  const closers: Array<() => Promise<void>> = [];
  const agents: Record<string, number> = {};
  const silent: Record<string, number[]> = {};
  for (const a of spec.agents) {
    assertLoopback(a.address);
    const agent: RunningAgent = await startAgent({ root: a.root, name: a.name, version: 'bench', log: () => undefined }, 0, a.address);
    closers.push(() => agent.close());
    agents[a.name] = agent.port;
  }
  for (const s of spec.silent) {
    assertLoopback(s.address);
    silent[s.address] = [];
    for (let i = 0; i < s.ports; i++) {
      const srv = await startSilentServer(s.address);
      closers.push(() => srv.close());
      silent[s.address].push(srv.port);
    }
  }
  const stop = () => void Promise.all(closers.map((c) => c())).finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write(JSON.stringify({ agents, silent }) + '\n');
}

main().catch((err) => {
  process.stderr.write(`node servers failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
