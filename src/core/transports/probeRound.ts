import * as http from 'node:http';
import { withDeadline } from '../deadline';
import type { AgentTransportKind, NodeSpec } from '../hosts/nodeSpec';
import { fail, ok, type Result } from '../result';
import { openSsh } from '../ssh/connect';
import type { SshSession } from '../ssh/session';
import type { SshErrorCode } from '../ssh/sshErrors';
import type { detectService } from './http/orchestrator/health';
import type { TransportOptions } from './transport';

export type SshLogin = Promise<Result<SshSession, SshErrorCode>>;

/** What an agent rung's probe and the push right after it share (p2p and http each their own). */
export interface AgentRound {
  /**
   * The keep-alive connection for the round's calls to that agent, which its probe's GET /health
   * opens. One (maxSockets): the calls come one after another, and a call made as the last reply
   * ends would otherwise open a second before the first is free again.
   */
  pool: http.Agent;
  /** The probe's GET /health, once asked: the push right after takes its answer instead of asking again. */
  health?: ReturnType<typeof detectService>;
}

/**
 * A kept connection idle this long is closed by us: before our agent's own keep-alive bound (Node's
 * 5 s), so a call never goes out on a connection the agent is closing.
 */
const AGENT_IDLE_MS = 4000;

/**
 * The probes of one node at one moment. The SSH rungs' probes (rsync, base64) share one login
 * through it, each on its own channel: the runbook's "ssh in" costs one key exchange per node, not
 * one per rung (a 200-node `test --all` spent half its CPU on the second login). An agent rung's
 * probe keeps its connection and GET /health answer here for the push right after it (`agent`).
 * Whoever runs the probes (a connectivity test, a sync's preflight, doctor) makes the round and
 * closes it after.
 */
export class ProbeRound {
  private login: SshLogin | undefined;
  private readonly agents = new Map<AgentTransportKind, AgentRound>();

  constructor(private readonly signal: AbortSignal) {}

  /** The round's SSH session: the first probe to ask opens it with `open`, later ones share it. */
  ssh(open: (signal: AbortSignal) => SshLogin): SshLogin {
    return (this.login ??= open(this.signal));
  }

  /**
   * The login a probe of this round opened, if it is still up: a push right after the probe may run
   * on it (the round still closes it) instead of paying another key exchange and its round trips.
   */
  async openLogin(): Promise<SshSession | undefined> {
    const r = await this.login;
    return r?.ok && !r.value.closed ? r.value : undefined;
  }

  /** The round's state for an agent rung, made on first use. */
  agent(kind: AgentTransportKind): AgentRound {
    let a = this.agents.get(kind);
    if (!a) this.agents.set(kind, (a = { pool: new http.Agent({ keepAlive: true, maxSockets: 1, timeout: AGENT_IDLE_MS }) }));
    return a;
  }

  close(): void {
    void this.login?.then((r) => r.ok && r.value.close());
    for (const a of this.agents.values()) a.pool.destroy();
  }
}

/** A push's SSH session: borrowed from the probe's round (the round closes it), or its own (the push closes it). */
export interface PushLogin {
  session: SshSession;
  /**
   * Ends the push's use: closes a session of its own, and a borrowed one after a failed push (it may
   * be what broke: the next push must not inherit a half-dead connection); a good one stays with its round.
   */
  release(pushed: boolean): void;
}

/** The round's open login when the push came right after its probe, else a login of the push's own from `open`. */
export async function pushLogin(round: ProbeRound | undefined, open: () => SshLogin): Promise<Result<PushLogin, SshErrorCode>> {
  const borrowed = await round?.openLogin();
  if (borrowed) return ok({ session: borrowed, release: (pushed) => void (pushed || borrowed.close()) });
  const own = await open();
  return own.ok ? ok({ session: own.value, release: () => own.value.close() }) : own;
}

/** Runs `probe` with a fresh round, closed when it ends: for a single probe outside any round. */
export async function inOwnRound<T>(signal: AbortSignal, probe: (round: ProbeRound) => Promise<T>): Promise<T> {
  const round = new ProbeRound(signal);
  try {
    return await probe(round);
  } finally {
    round.close();
  }
}

/**
 * A probe's SSH login, bounded like a probe. The bound running out (not the caller's cancel) is a
 * `timeout` that says so, not the "cancelled" the SSH layer reports for an aborted signal.
 */
export async function probeLogin(node: NodeSpec, opts: TransportOptions, signal: AbortSignal): SshLogin {
  const r = await withDeadline(signal, opts.probeTimeoutMs, (bound) => openSsh(node, opts, bound));
  if (r.ok || r.code !== 'cancelled' || signal.aborted) return r;
  return fail('timeout', `node ${node.name}: no SSH session within the ${opts.probeTimeoutMs / 1000} s probe bound (node or sshd overloaded, or a hung login shell)`);
}
