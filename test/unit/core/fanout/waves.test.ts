import { strict as assert } from 'node:assert';
import type { NodeSpec, TransportKind } from '../../../../src/core/hosts/nodeSpec';
import type { PeerHealth } from '../../../../src/core/fanout/plan';
import type { FanoutEvent, FanoutResult } from '../../../../src/core/fanout/results';
import { FanoutRun, type FanoutPorts, type Plan, type PullAnswer } from '../../../../src/core/fanout/waves';
import type { SyncResult } from '../../../../src/core/router/syncRouter';
import { fail, ok } from '../../../../src/core/result';
import { makeNode } from '../../helpers/scriptedTransports';

const SHA = 'a'.repeat(64);
const tick = () => new Promise((r) => setTimeout(r, 2));

/** Fake ports: pushes land over `via` (p2p unless set), pulls take a tick and succeed unless scripted. */
class Fake {
  via = new Map<string, TransportKind | 'fails'>();
  pullFails = new Map<string, { code: 'pull_failed' | 'refused'; blame: 'source' | 'puller' }>();
  /** `puller<-source` pairs whose pull fails on the source's side while the source stays up. */
  pairFails = new Set<string>();
  dead = new Set<string>();
  serving = new Map<string, number>();
  maxServing = 0;
  pushes: string[] = [];
  pullsFrom: string[] = [];
  health: (n: string) => PeerHealth = () => ({ enabled: true, failures: 0 });
  ports(): FanoutPorts {
    return {
      direct: async (node) => this.push(node),
      pull: async (puller, source) => this.pull(puller, source),
      alive: async (source) => !this.dead.has(source.name),
      health: (n) => this.health(n),
      clock: Date.now,
    };
  }
  private async push(node: NodeSpec): Promise<SyncResult> {
    this.pushes.push(node.name);
    await tick();
    const via = this.via.get(node.name) ?? 'p2p';
    const success = via !== 'fails';
    return { node: node.name, success, transportUsed: success ? via : null, bytes: success ? 10 : 0, sha256: success ? SHA : null, disabled: false, attempts: [], message: success ? `synced via ${via}` : 'all transports failed' };
  }
  private async pull(puller: NodeSpec, source: NodeSpec): Promise<PullAnswer> {
    this.pullsFrom.push(`${puller.name}<-${source.name}`);
    const n = (this.serving.get(source.name) ?? 0) + 1;
    this.serving.set(source.name, n);
    this.maxServing = Math.max(this.maxServing, n);
    await tick();
    this.serving.set(source.name, n - 1);
    if (this.dead.has(source.name)) return { ...fail('pull_failed', `p2p: ${puller.name} could not pull from ${source.name}`), blame: 'source' };
    if (this.pairFails.has(`${puller.name}<-${source.name}`)) return { ...fail('pull_failed', `p2p: ${puller.name} could not pull from ${source.name}`), blame: 'source' };
    const f = this.pullFails.get(puller.name);
    if (f) return { ...fail(f.code, `p2p: ${puller.name}: ${f.code}`), blame: f.blame };
    return ok({ transport: 'p2p' as const });
  }
}

function plan(pullers: NodeSpec[], over: Partial<Plan> = {}): Plan {
  return { pullers, direct: [], perSource: 2, seeds: 1, concurrency: 4, file: { remotePath: 'data/f', target: { dir: 'data', rel: 'f', uploadPath: 'data/f' }, size: 10 }, ...over };
}

async function run(nodes: NodeSpec[], fake: Fake, p: Plan = plan(nodes)): Promise<{ results: FanoutResult[]; events: FanoutEvent[] }> {
  const events: FanoutEvent[] = [];
  const results = await new FanoutRun(nodes, p, fake.ports(), (e) => events.push(e), new AbortController().signal).run();
  return { results, events };
}

const by = (rs: FanoutResult[]) => Object.fromEntries(rs.map((r) => [r.node, r]));

/** Every pulled node's wave is its source's plus one; every local copy is wave 1. */
function assertCoherent(rs: FanoutResult[]): void {
  const m = by(rs);
  for (const r of rs) {
    if (r.source === 'local') assert.equal(r.wave, 1, r.node);
    else assert.equal(r.wave, m[r.source].wave + 1, `${r.node} from ${r.source}`);
  }
}

describe('fan-out waves', () => {
  it('one seed from here, every other node pulled, no source serving more than K at once', async () => {
    const nodes = Array.from({ length: 12 }, (_, i) => makeNode(`n${i}`));
    const fake = new Fake();
    const { results, events } = await run(nodes, fake);
    assert.ok(results.every((r) => r.success));
    assert.deepEqual(fake.pushes, ['n0']);
    assert.deepEqual(results.filter((r) => r.source === 'local').map((r) => [r.node, r.route]), [['n0', 'seed']]);
    assert.ok(results.filter((r) => r.node !== 'n0').every((r) => r.route === 'pull' && r.bytesSent === 0));
    assert.ok(fake.maxServing <= 2, `a source served ${fake.maxServing} at once`);
    assertCoherent(results);
    assert.ok(Math.max(...results.map((r) => r.wave)) >= 3, 'pulled nodes serve in turn');
    assert.equal(events.filter((e) => e.type === 'verified').length, 11);
  });

  it('a nat_blocked node pulls but never serves', async () => {
    const nodes = [makeNode('s'), makeNode('nat', { natBlocked: true }), makeNode('a'), makeNode('b'), makeNode('c')];
    const fake = new Fake();
    const { results } = await run(nodes, fake);
    assert.ok(results.every((r) => r.success));
    assert.equal(by(results).nat.route, 'pull');
    assert.ok(!fake.pullsFrom.some((p) => p.endsWith('<-nat')), fake.pullsFrom.join(' '));
  });

  it('pullers of a source that died are re-sourced to another verified peer', async () => {
    const nodes = ['s', 'a', 'b', 'c', 'd', 'e'].map((n) => makeNode(n));
    const fake = new Fake();
    const p = plan(nodes, { seeds: 2 });
    fake.dead.add('a'); // a seed whose agent dies after its push: every pull from it fails
    const { results, events } = await run(nodes, fake, p);
    assert.ok(results.every((r) => r.success), JSON.stringify(results.map((r) => [r.node, r.message])));
    const m = by(results);
    const resourced = events.filter((e) => e.type === 'resourced');
    assert.ok(resourced.length >= 1);
    for (const e of resourced) {
      assert.equal(m[e.node].route, 'pull');
      assert.notEqual(m[e.node].source, 'a');
      assert.deepEqual(m[e.node].pulls?.map((t) => t.result), ['failed', 'ok']);
    }
    assert.equal(fake.pullsFrom.filter((x) => x.endsWith('<-a')).length, resourced.length, 'no pull from a after it was found dead');
    assertCoherent(results);
  });

  it('a node that cannot pull from any peer falls back to the direct chain, its failed pulls kept', async () => {
    const nodes = ['s', 'a', 'b'].map((n) => makeNode(n));
    const fake = new Fake();
    fake.pullFails.set('b', { code: 'refused', blame: 'puller' });
    const { results, events } = await run(nodes, fake);
    const b = by(results).b;
    assert.deepEqual([b.success, b.route, b.source, b.wave], [true, 'direct', 'local', 1]);
    assert.equal(b.pulls?.[0].code, 'refused');
    assert.match(b.message, /direct from this machine: its pull failed: p2p: b: refused/);
    assert.ok(events.some((e) => e.type === 'direct' && e.node === 'b'));
    assert.deepEqual(fake.pushes.sort(), ['b', 's']);
  });

  it('a puller that live sources cannot serve goes direct after two of them, and they keep serving the others', async () => {
    const nodes = ['s', 'a', 'bad', 'b', 'c', 'd', 'e'].map((n) => makeNode(n));
    const fake = new Fake();
    fake.pullFails.set('bad', { code: 'pull_failed', blame: 'source' });
    const { results } = await run(nodes, fake);
    const m = by(results);
    assert.deepEqual([m.bad.route, m.bad.success, m.bad.pulls?.length], ['direct', true, 2]);
    for (const n of ['a', 'b', 'c', 'd', 'e']) assert.equal(m[n].route, 'pull', `${n}: ${m[n].message}`);
    assertCoherent(results);
  });

  it('a puller whose only source failed it waits for the pulls under way, then pulls from a new holder', async () => {
    const nodes = ['s', 'p', 'a', 'b'].map((n) => makeNode(n));
    const fake = new Fake();
    fake.pairFails.add('p<-s');
    const { results } = await run(nodes, fake);
    const p = by(results).p;
    assert.equal(p.route, 'pull', p.message);
    assert.ok(['a', 'b'].includes(p.source), p.source);
    assert.equal(p.wave, 3);
    assert.deepEqual(fake.pushes, ['s']);
  });

  it('when every source fails, the remaining pullers go direct', async () => {
    const nodes = ['s', 'a', 'b', 'c'].map((n) => makeNode(n));
    const fake = new Fake();
    fake.dead.add('s');
    const { results } = await run(nodes, fake);
    assert.ok(results.every((r) => r.success));
    assert.deepEqual(results.map((r) => r.route), ['seed', 'direct', 'direct', 'direct']);
  });

  it('a seed that took the push only over SSH does not serve: the next candidate is seeded', async () => {
    const nodes = ['s', 't', 'a'].map((n) => makeNode(n));
    const fake = new Fake();
    fake.via.set('s', 'rsync');
    const { results } = await run(nodes, fake);
    const m = by(results);
    assert.deepEqual([m.s.route, m.t.route, m.a.route, m.a.source], ['seed', 'seed', 'pull', 't']);
  });

  it('when no seed takes the file over p2p, at most SEED_SPARES more are tried one by one; the rest go direct at once', async () => {
    const nodes = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => makeNode(n));
    const fake = new Fake();
    for (const n of nodes) fake.via.set(n.name, 'rsync');
    const { results } = await run(nodes, fake);
    assert.deepEqual(results.map((r) => r.route), ['seed', 'seed', 'seed', 'direct', 'direct', 'direct']);
    assert.ok(results.every((r) => r.success));
    assert.match(results[3].message, /no seed took the file over p2p/);
  });

  it('with no node able to serve, everything goes direct; nodes planned direct go direct with their reason', async () => {
    const nat = makeNode('nat', { natBlocked: true });
    const off = makeNode('off', { p2pEnabled: false, httpPort: undefined });
    const fake = new Fake();
    const { results } = await run([nat, off], fake, plan([nat], { direct: [{ node: off, reason: 'off: nothing can ask it to pull' }] }));
    assert.deepEqual(results.map((r) => [r.node, r.route, r.success]), [['nat', 'direct', true], ['off', 'direct', true]]);
    assert.match(by(results).off.message, /nothing can ask it to pull/);
  });

  it('a peer with router failures is not the seed while a clean one exists', async () => {
    const nodes = ['flaky', 'clean', 'a'].map((n) => makeNode(n));
    const fake = new Fake();
    fake.health = (n) => ({ enabled: true, failures: n === 'flaky' ? 1 : 0 });
    const { results } = await run(nodes, fake);
    assert.equal(by(results).clean.route, 'seed');
  });
});
