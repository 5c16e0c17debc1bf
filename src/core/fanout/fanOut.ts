import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NodeSpec } from '../hosts/nodeSpec';
import { resumeBudgetFor } from '../router/routerSettings';
import type { SyncRouter } from '../router/syncRouter';
import { whyNotTarget } from '../router/syncTarget';
import type { PushJob, TransportOptions } from '../transports/transport';
import { askKind, DEFAULT_PER_SOURCE, DEFAULT_SEEDS, peerHealth } from './plan';
import { pullAndVerify, pullTarget, sourceAlive } from './pullOne';
import type { FanoutEvent, FanoutResult } from './results';
import { FanoutRun, type FanoutPorts, type Plan } from './waves';

export interface FanoutOptions {
  router: SyncRouter;
  transportOptions: TransportOptions;
  /** Pulls one source serves at once (plan.ts DEFAULT_PER_SOURCE says why 2). */
  perSource?: number;
  /** Nodes seeded from this machine (DEFAULT_SEEDS). */
  seeds?: number;
}

/** Where a sync puts a file given no remote path: its name; for a fan-out data/<name> (/sync/pull fetches into the data dir only). */
export function defaultRemotePath(localPath: string, fanout: boolean): string {
  return fanout ? `data/${path.basename(localPath)}` : path.basename(localPath);
}

/**
 * One file to many nodes with one copy over this machine's uplink: the router's sync to one or two
 * seeds, then waves of POST /sync/pull between the nodes, each copy verified by sha256 on its node
 * before it serves others (waves.ts). Nodes that cannot pull get the direct chain. Never throws.
 */
export async function fanOut(nodes: NodeSpec[], job: PushJob, opts: FanoutOptions, progress: (e: FanoutEvent) => void, signal: AbortSignal): Promise<FanoutResult[]> {
  const { router, transportOptions } = opts;
  const run = new Date(router.clock()).toISOString();
  const size = await fs.promises.stat(job.localPath).then((st) => st.size, () => 0);
  const pullBoundMs = resumeBudgetFor(router.deps.settings, size);
  const plan = planOf(nodes, job, router, size, opts);
  const ports: FanoutPorts = {
    direct: (node) => router.sync(node, job, { signal, onProgress: (n, transport, done, total) => progress({ type: 'bytes', node: n, transport, done, total }) }),
    pull: (puller, source, file) => pullAndVerify(puller, source, file, transportOptions, pullBoundMs, signal),
    alive: (source) => sourceAlive(source, transportOptions, signal),
    health: (name) => peerHealth(router.deps.store.read(), name),
    clock: router.clock,
  };
  const recorded = (e: FanoutEvent) => {
    if (e.type === 'verified') recordPull(router, run, e, size);
    progress(e);
  };
  return new FanoutRun(nodes, plan, ports, recorded, signal).run();
}

/** A verified pull in events.jsonl: the dashboard draws which node fed which from these. */
function recordPull(router: SyncRouter, run: string, e: Extract<FanoutEvent, { type: 'verified' }>, bytes: number): void {
  const { node, source, wave, durationMs } = e;
  router.deps.events.emit({ type: 'SYNC_PULLED', time: new Date(router.clock()).toISOString(), node, source, wave, bytes, durationMs, run });
}

/** Which nodes may pull and which go direct (and why), before anything connects. */
function planOf(nodes: NodeSpec[], job: PushJob, router: SyncRouter, size: number, opts: FanoutOptions): Plan {
  const state = router.deps.store.read();
  const pullers: NodeSpec[] = [];
  const direct: Plan['direct'] = [];
  let target: Plan['file']['target'] | undefined;
  for (const node of nodes) {
    const t = pullTarget(node, job.remotePath);
    const refusal = whyNotTarget(node, false) ?? (peerHealth(state, node.name).enabled ? undefined : 'disabled');
    // A node the router refuses (status, skip_sync_receive, disabled) gets the router's own answer.
    if (refusal) {
      direct.push({ node });
      continue;
    }
    if (!t.ok || !askKind(node)) {
      direct.push({ node, reason: !t.ok ? t.message : `${node.name}: nothing can ask it to pull (relay mode or p2p off, and no p2p_public_port)` });
      continue;
    }
    target ??= t.value;
    if (t.value.rel === target.rel) pullers.push(node);
    else direct.push({ node, reason: `${node.name}: its data-dir entry '${t.value.rel}' differs from the others' '${target.rel}' (absolute path, another ringrift_path)` });
  }
  const file = { remotePath: job.remotePath, target: target ?? { dir: 'data' as const, rel: '', uploadPath: '' }, size };
  return { pullers, direct, perSource: opts.perSource ?? DEFAULT_PER_SOURCE, seeds: opts.seeds ?? DEFAULT_SEEDS, concurrency: router.deps.settings.concurrency, file };
}
