import type { NodeSpec } from '../hosts/nodeSpec';
import type { Result } from '../result';
import type { SyncResult } from '../router/syncRouter';
import type { FanoutPullCode, PullBlame } from './codes';
import { canServe, pullOrder, SEED_SPARES, seedCandidates, type Holder, type PeerHealth } from './plan';
import type { FanoutFile } from './pullOne';
import { fromLocal, fromPull, notStarted, type FanoutEvent, type FanoutResult, type PullTry } from './results';
import { SourceBook } from './sources';

/**
 * The fan-out's schedule: seed one or two nodes from this machine, then every verified holder that
 * can serve takes up to K pullers at once; each verified puller serves in turn (a wave deeper).
 * A puller whose source fails gets another source; one that no source can serve, or that cannot
 * be asked, gets the direct chain from here. Pulls start as sources free up, not in lockstep:
 * a node's wave is its distance from this machine, not a round of a barrier.
 */

export type PullAnswer = Result<{ transport: 'p2p' | 'http' }, FanoutPullCode> & { blame?: PullBlame };

/** What the schedule needs from outside (fanOut.ts wires the real ones; unit tests pass fakes). */
export interface FanoutPorts {
  /** The normal escalation chain from this machine (the router's sync of one node). */
  direct(node: NodeSpec): Promise<SyncResult>;
  /** Asks `puller` to pull from `source` and checks the sha256 on `puller`. */
  pull(puller: NodeSpec, source: NodeSpec, file: FanoutFile): Promise<PullAnswer>;
  /** Whether `source` still answers, after a pull from it failed. */
  alive(source: NodeSpec): Promise<boolean>;
  health(name: string): PeerHealth;
  clock(): number;
}

export interface Plan {
  /** Nodes that may pull, with the reason each other node goes direct. */
  pullers: NodeSpec[];
  /** Without a reason: the router refuses the node by itself (status, disabled), and says why. */
  direct: Array<{ node: NodeSpec; reason?: string }>;
  perSource: number;
  seeds: number;
  /** Direct pushes at once. */
  concurrency: number;
  /** The file, but for its sha256: the first seed's verified push gives it. */
  file: Omit<FanoutFile, 'sha256'>;
}

export class FanoutRun {
  private readonly book: SourceBook;
  private readonly results = new Map<string, FanoutResult>();
  private readonly pulls = new Map<string, PullTry[]>();
  private readonly directs: Array<Promise<void>> = [];
  private pending: NodeSpec[] = [];
  private sha256: string | undefined;
  private directRunning = 0;
  private readonly directQueue: Array<() => void> = [];

  constructor(
    private readonly nodes: NodeSpec[],
    private readonly plan: Plan,
    private readonly ports: FanoutPorts,
    private readonly emit: (e: FanoutEvent) => void,
    private readonly signal: AbortSignal,
  ) {
    this.book = new SourceBook(plan.perSource);
  }

  async run(): Promise<FanoutResult[]> {
    const seeded = await this.seed(seedCandidates(this.plan.pullers, (n) => this.ports.health(n)));
    const rest = this.plan.pullers.filter((n) => !this.results.has(n.name));
    for (const { node, reason } of this.plan.direct) this.direct(node, reason);
    if (seeded) await this.pullAll(rest);
    else for (const node of rest) this.direct(node, 'no seed took the file over p2p, so no peer can serve it');
    await Promise.all(this.directs);
    return this.nodes.map((n) => this.results.get(n.name) ?? notStarted(n.name, this.pulls.get(n.name) ?? []));
  }

  /** Pushes to the best candidates until `seeds` of them hold the file over p2p (SEED_SPARES more tried at most); true when one does. */
  private async seed(candidates: NodeSpec[]): Promise<boolean> {
    const queue = candidates.slice(0, this.plan.seeds + SEED_SPARES);
    let holders = 0;
    while (holders < this.plan.seeds && queue.length > 0 && !this.signal.aborted) {
      const batch = queue.splice(0, this.plan.seeds - holders);
      const served = await Promise.all(batch.map((n) => this.seedOne(n)));
      holders += served.filter(Boolean).length;
    }
    return holders > 0;
  }

  private async seedOne(node: NodeSpec): Promise<boolean> {
    this.emit({ type: 'seed', node: node.name });
    const r = await this.ports.direct(node);
    this.results.set(node.name, fromLocal(r, 'seed', []));
    // A seed serves only when its agent took the push on p2p: that is where its peers fetch from.
    if (!r.success || r.transportUsed !== 'p2p' || !r.sha256) return false;
    this.sha256 ??= r.sha256;
    if (r.sha256 !== this.sha256) return false;
    this.book.addHolder(node.name, 1, this.ports.health(node.name).failures);
    return true;
  }

  /** Starts pulls as sources have room, until every puller is verified or sent direct. */
  private async pullAll(pullers: NodeSpec[]): Promise<void> {
    this.pending = pullOrder(pullers);
    const running = new Set<Promise<void>>();
    while (!this.signal.aborted) {
      for (const node of [...this.pending]) {
        const source = this.book.take(node.name);
        if (!source && this.book.canStillSource(node.name)) continue;
        this.pending = this.pending.filter((n) => n !== node);
        if (!source) {
          this.direct(node, 'no verified peer left to pull from');
          continue;
        }
        const p: Promise<void> = this.pullOne(node, source).finally(() => running.delete(p));
        running.add(p);
      }
      if (running.size === 0) break;
      await Promise.race(running);
    }
    await Promise.all(running);
    // Left only when cancelled, or when no pull runs and no source has room (every one failed).
    for (const node of this.pending) this.direct(node, 'no verified peer could serve it');
    this.pending = [];
  }

  private async pullOne(node: NodeSpec, source: Holder): Promise<void> {
    const wave = source.wave + 1;
    const t0 = this.ports.clock();
    this.emit({ type: 'pull', node: node.name, source: source.name, wave });
    const file = { ...this.plan.file, sha256: this.sha256! };
    const r = await this.ports.pull(node, this.spec(source.name), file);
    this.book.release(source.name, r.ok);
    const durationMs = this.ports.clock() - t0;
    const tries = this.pulls.get(node.name) ?? [];
    this.pulls.set(node.name, tries);
    if (r.ok) {
      tries.push({ source: source.name, wave, result: 'ok', durationMs });
      this.results.set(node.name, fromPull(node.name, { source: source.name, wave, transport: r.value.transport, size: file.size, sha256: file.sha256, remotePath: file.target.uploadPath }, tries));
      // Verified on the node: it serves from now on, unless nothing reaches it inbound.
      if (canServe(node)) this.book.addHolder(node.name, wave, this.ports.health(node.name).failures);
      this.emit({ type: 'verified', node: node.name, source: source.name, wave, durationMs });
      return;
    }
    tries.push({ source: source.name, wave, result: 'failed', code: r.code, error: r.message, durationMs });
    if (r.blame === 'source') {
      this.book.failed(source.name, node.name, await this.ports.alive(this.spec(source.name)));
      if (this.book.canStillSource(node.name) && !this.signal.aborted) {
        this.pending.push(node);
        this.emit({ type: 'resourced', node: node.name, source: source.name, error: r.message });
        return;
      }
    }
    this.direct(node, `its pull failed: ${r.message}`);
  }

  private spec(name: string): NodeSpec {
    return this.nodes.find((n) => n.name === name)!;
  }

  /** The direct chain from this machine, at most `concurrency` at once. */
  private direct(node: NodeSpec, reason?: string): void {
    if (this.signal.aborted) return;
    if (reason) this.emit({ type: 'direct', node: node.name, reason });
    const run = async () => {
      await this.acquireDirect();
      try {
        const r = await this.ports.direct(node);
        this.results.set(node.name, fromLocal(r, 'direct', this.pulls.get(node.name) ?? [], reason));
      } finally {
        this.releaseDirect();
      }
    };
    this.directs.push(run());
  }

  private acquireDirect(): Promise<void> {
    if (this.directRunning < this.plan.concurrency) {
      this.directRunning++;
      return Promise.resolve();
    }
    return new Promise<void>((go) => this.directQueue.push(go));
  }

  /** Hands the slot to the next waiting push, else frees it. */
  private releaseDirect(): void {
    const next = this.directQueue.shift();
    if (next) next();
    else this.directRunning--;
  }
}
