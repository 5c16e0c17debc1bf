/**
 * One push of FILE over TRANSPORT in this process, sampling process.memoryUsage().rss, for
 * bench/push-rss.ts. The node side (agent or sshd) runs in its own process, so only the pushing
 * process is measured. Prints one JSON line: baseline, sampled peak, kernel high-water mark.
 *
 *   node --expose-gc --import tsx bench/rss/pusher.ts p2p|rsync|base64 FILE [STREAMS]
 *
 * STREAMS: 1..32 or auto, as `sync --streams` (default: auto).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NodeSpec } from '../../src/core/hosts/nodeSpec';
import { Base64Transport } from '../../src/core/transports/base64/base64';
import { P2PTransport } from '../../src/core/transports/http/p2p';
import { parseStreams, type StreamsSetting } from '../../src/core/transports/streamCount';
import { RsyncTransport } from '../../src/core/transports/rsync/rsync';
import { DEFAULT_TRANSPORT_OPTIONS, type Transport } from '../../src/core/transports/transport';
import { startCluster } from '../../test/integration/harness/cluster';
import { nodeSpecOf } from '../../test/integration/harness/nodeSpecs';
import { CLI_JS } from '../lib/runChild';

const HOST = '127.0.0.1';

interface Target {
  transport: Transport;
  node: NodeSpec;
  stop(): Promise<void>;
}

async function p2pTarget(dir: string, streams: StreamsSetting): Promise<Target> {
  const root = path.join(dir, 'root');
  fs.mkdirSync(root);
  const agent = spawn(process.execPath, [CLI_JS, 'agent', '--port', '0', '--bind', HOST, '--root', root, '--name', 'rss'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const port = await new Promise<number>((resolve, reject) => {
    agent.once('exit', () => reject(new Error('agent exited before listening')));
    agent.stdout!.on('data', (d: Buffer) => {
      const m = /listening on http:\/\/[\d.]+:(\d+)/.exec(d.toString());
      if (m) resolve(Number(m[1]));
    });
  });
  const node = { name: 'rss', address: HOST, sshHost: HOST, p2pEnabled: true, p2pPort: port, httpPort: undefined } as NodeSpec;
  const transport = new P2PTransport({ ...DEFAULT_TRANSPORT_OPTIONS, knownHostsFile: '/dev/null', env: process.env, streams });
  return { transport, node, stop: async () => void agent.kill('SIGTERM') };
}

async function sshTarget(kind: 'rsync' | 'base64', streams: StreamsSetting): Promise<Target> {
  const cluster = await startCluster([{ name: 'rss', agent: false }]);
  const node = nodeSpecOf(cluster, cluster.node('rss'));
  const opts = { ...DEFAULT_TRANSPORT_OPTIONS, knownHostsFile: cluster.knownHostsFile };
  const transport = kind === 'rsync' ? new RsyncTransport({ ...opts, env: process.env, streams }) : new Base64Transport({ ...opts, env: { HOME: cluster.dir }, streams });
  return { transport, node, stop: () => cluster.stop() };
}

async function main(): Promise<void> {
  const [kind, file, streamsArg] = process.argv.slice(2);
  const streams = parseStreams(streamsArg ?? 'auto');
  if (!streams.ok) throw new Error(streams.message);
  const dir = fs.mkdtempSync(path.join(path.dirname(file), `rss-${kind}-`));
  const target = kind === 'p2p' ? await p2pTarget(dir, streams.value) : kind === 'rsync' || kind === 'base64' ? await sshTarget(kind, streams.value) : undefined;
  if (!target) throw new Error(`unknown transport '${kind}' (p2p, rsync, base64)`);
  const never = new AbortController().signal;
  try {
    // Warm-up: modules loaded, JIT, connection code paths; then the baseline.
    const warm = path.join(dir, 'warm.bin');
    fs.writeFileSync(warm, Buffer.alloc(1 << 20, 7));
    const w = await target.transport.push(target.node, { localPath: warm, remotePath: 'rss-warm.bin' }, () => undefined, never);
    if (!w.ok) throw new Error(`warm-up push failed: ${w.message}`);
    (globalThis as { gc?: () => void }).gc?.();
    const base = process.memoryUsage();
    const baseline = base.rss;
    const maxRssBefore = process.resourceUsage().maxRSS * 1024;
    let peak = baseline;
    // Where the growth sits at the peak: JS heap, or buffers outside it (streams, sockets).
    let atPeak = { heapUsed: 0, external: 0, arrayBuffers: 0 };
    const sample = () => {
      const m = process.memoryUsage();
      if (m.rss <= peak) return;
      peak = m.rss;
      atPeak = { heapUsed: m.heapUsed - base.heapUsed, external: m.external - base.external, arrayBuffers: m.arrayBuffers - base.arrayBuffers };
    };
    const timer = setInterval(sample, 10);
    const t0 = performance.now();
    const r = await target.transport.push(target.node, { localPath: file, remotePath: 'rss-big.bin' }, sample, never);
    const wallMs = performance.now() - t0;
    clearInterval(timer);
    sample();
    if (!r.ok) throw new Error(`push failed: ${r.message}`);
    const maxRssAfter = process.resourceUsage().maxRSS * 1024;
    process.stdout.write(JSON.stringify({ baseline, peak, atPeak, maxRssBefore, maxRssAfter, wallMs, bytes: r.bytes }) + '\n');
  } finally {
    await target.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`rss pusher failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
