import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NodeSpec, TransportKind } from '../../../src/core/hosts/nodeSpec';
import type { ProbeResult, PushResult, Transport } from '../../../src/core/transports/transport';
import type { ProbeRound } from '../../../src/core/transports/probeRound';
import { nodeSpec } from './nodeSpec';

/** A NodeSpec with the default chain, for router tests. */
export function makeNode(name: string, over: Partial<NodeSpec> = {}): NodeSpec {
  return nodeSpec({ name, ...over });
}

export type Behaviour = 'ok' | 'probe-fails' | 'push-fails' | 'hangs' | 'does-not-fit';

/**
 * One scripted push: `moved` fails after the node's partial grew by that many bytes (0: a try that
 * moved nothing but could tell), `fails` fails without a partial reading, `ok` lands the file.
 */
export type PushStep = { moved: number } | 'fails' | 'ok';

/**
 * A transport whose outcome per node is scripted. `hangs` waits until aborted or `hangMs`, like a
 * port that accepts and never answers (the real probe timeout is what bounds it).
 */
export class ScriptedTransport implements Transport {
  readonly behaviour = new Map<string, Behaviour>();
  probes: string[] = [];
  pushes: string[] = [];
  /** Per push: whether it was handed its probe's round. */
  pushRounds: boolean[] = [];
  /** Pushes taken in order before `behaviour` applies; `onPush` runs as each starts (a test's clock, a cancel). */
  readonly steps = new Map<string, PushStep[]>();
  onPush?: () => void;
  /** Unset: the walk has nothing to tell it; a test sets it to see when the walk reaches it. */
  prepare?: Transport['prepare'];
  private readonly partials = new Map<string, number>();
  constructor(readonly kind: TransportKind, private readonly hangMs = 50) {}

  script(node: string, ...steps: PushStep[]): this {
    this.steps.set(node, steps);
    return this;
  }

  set(node: string, b: Behaviour): this {
    this.behaviour.set(node, b);
    return this;
  }

  async probe(node: NodeSpec, signal: AbortSignal): Promise<ProbeResult> {
    this.probes.push(node.name);
    const b = this.behaviour.get(node.name) ?? 'ok';
    if (b === 'hangs') {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.hangMs);
        signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
      });
      return { transport: this.kind, success: false, message: `${this.kind}: no answer in ${this.hangMs} ms`, latencyMs: this.hangMs, code: 'no_answer' };
    }
    if (b === 'probe-fails') return { transport: this.kind, success: false, message: `${this.kind}: refused`, latencyMs: 1, code: 'refused' };
    return { transport: this.kind, success: true, message: 'ok', latencyMs: 1 };
  }

  async push(node: NodeSpec, _job: unknown, _progress: unknown, signal: AbortSignal, round?: ProbeRound): Promise<PushResult> {
    this.pushes.push(node.name);
    this.pushRounds.push(round !== undefined);
    this.onPush?.();
    if (signal.aborted) return { ok: false, transport: this.kind, code: 'cancelled', message: `${this.kind}: cancelled`, durationMs: 1 };
    const step = this.steps.get(node.name)?.shift();
    if (step !== undefined && step !== 'ok') {
      if (step === 'fails') return { ok: false, transport: this.kind, code: 'connection_reset', message: `${this.kind}: reset`, durationMs: 1 };
      const before = this.partials.get(node.name) ?? 0;
      this.partials.set(node.name, before + step.moved);
      return { ok: false, transport: this.kind, code: 'connection_reset', message: `${this.kind}: reset`, durationMs: 1, partial: { before, after: before + step.moved } };
    }
    if (step === 'ok') return { ok: true, transport: this.kind, bytes: 10, bytesSent: 10, sha256: 'ab'.repeat(32), durationMs: 1, remotePath: 'f' };
    if (this.behaviour.get(node.name) === 'push-fails') {
      return { ok: false, transport: this.kind, code: 'disconnected', message: `${this.kind}: connection dropped`, durationMs: 1 };
    }
    if (this.behaviour.get(node.name) === 'does-not-fit') {
      return { ok: false, transport: this.kind, code: 'extension_not_allowed', limit: 'extension_not_allowed', message: `${this.kind}: extension '.exe' not accepted; nothing was sent`, durationMs: 1 };
    }
    return { ok: true, transport: this.kind, bytes: 10, bytesSent: 10, sha256: 'ab'.repeat(32), durationMs: 1, remotePath: 'f' };
  }
}

export function scriptedSet(hangMs?: number): Record<TransportKind, ScriptedTransport> {
  return {
    p2p: new ScriptedTransport('p2p', hangMs),
    http: new ScriptedTransport('http', hangMs),
    rsync: new ScriptedTransport('rsync', hangMs),
    base64: new ScriptedTransport('base64', hangMs),
  };
}

export function tempDir(prefix = 'ringrift-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A clock tests move by hand. */
export function manualClock(start = Date.parse('2026-11-28T12:00:00Z')) {
  let now = start;
  const clock = () => now;
  clock.advance = (ms: number) => {
    now += ms;
  };
  return clock;
}
