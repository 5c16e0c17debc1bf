import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NodeSpec } from '../hosts/nodeSpec';
import { runBounded, type BoundedRun } from '../transports/boundedProcess';
import { sshOptionArgs, sshTargetOf, type SshTarget } from '../transports/rsync/rsyncArgs';
import { localRsyncFeatures } from '../transports/rsync/rsync';
import { classifyRsyncExit } from '../transports/rsync/rsyncErrors';
import { probeRsyncRiding } from '../transports/rsync/rsyncProbe';
import type { ProbeResult, TransportOptions } from '../transports/transport';

/**
 * One OpenSSH login for the tree rsync rung's steps (the directories, rsync, the check): a master
 * on a socket in a private directory that every step's ssh rides; told to exit when the rung ends
 * (and it would by itself 30 s after). Measured on loopback: a login ~280 ms, a ride ~40 ms;
 * across an ocean a login is several round trips.
 */

/**
 * A socket path is at most 104 bytes on macOS (108 on Linux): the base, `/rr-ssh-XXXXXX/`, `%C`
 * (40 hex digits) and the `.` + 16 random characters ssh adds while it sets the master up must fit
 * (a 40-byte TMPDIR in the e2e harness did not: "too long for Unix domain socket"). macOS's own
 * TMPDIR is longer too: /tmp first.
 */
const CONTROL_DIR_PREFIX = 'rr-ssh-';
const MAX_CONTROL_BASE = 104 - `/${CONTROL_DIR_PREFIX}XXXXXX/`.length - 40 - 17;

type LoginOutcome = Awaited<BoundedRun['done']>;

/** What the rung runs rsync and ssh with: English messages here and, via SendEnv LC_*, on the node. */
export function rsyncTreeEnv(opts: TransportOptions): NodeJS.ProcessEnv {
  return { ...opts.env, LC_ALL: 'C' };
}

export class SshMaster {
  private login: Promise<LoginOutcome> | undefined;
  private readonly stop = new AbortController();

  private constructor(
    /** The steps' ssh options: the plain ones plus the master's socket. */
    readonly args: string[],
    private readonly dir: string | undefined,
    private readonly target: SshTarget,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** With no short enough place for the socket, no sharing: each step logs in on its own. */
  static create(sshArgs: string[], target: SshTarget, env: NodeJS.ProcessEnv): SshMaster {
    const base = ['/tmp', os.tmpdir()].find((d) => d.length <= MAX_CONTROL_BASE && fs.existsSync(d));
    if (!base) return new SshMaster(sshArgs, undefined, target, env);
    const dir = fs.mkdtempSync(path.join(base, CONTROL_DIR_PREFIX));
    const shared = [...sshArgs, '-o', 'ControlMaster=auto', '-o', `ControlPath=${path.join(dir, '%C')}`, '-o', 'ControlPersist=30'];
    return new SshMaster(shared, dir, target, env);
  }

  /**
   * Logs in now, running nothing on the node (`-N`: no shell), the login left in the background
   * (`-f`) once it is up. A failed login is not reported here: the first step's ssh meets the same
   * failure and says what it is.
   */
  warm(signal: AbortSignal, deadlineMs: number): void {
    if (!this.dir || this.login) return;
    const onAbort = () => this.stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const { user, host } = this.target;
    const run = runBounded('ssh', [...this.args, '-N', '-f', '-l', user, '--', host], { env: this.env, signal: this.stop.signal, deadlineMs });
    this.login = run.done.finally(() => signal.removeEventListener('abort', onAbort));
  }

  /** Waits for a warm login to end, either way (a step started before it would log in beside it): how it ended, if one was made. */
  ready(): Promise<LoginOutcome | undefined> {
    return Promise.resolve(this.login);
  }

  /** Tells the master to exit and removes its directory. */
  async close(): Promise<void> {
    this.stop.abort();
    await this.login;
    if (!this.dir) return;
    const { user, host } = this.target;
    await runBounded('ssh', [...this.args, '-O', 'exit', '-l', user, '--', host], { env: this.env, signal: new AbortController().signal, deadlineMs: 5000 }).done;
    await fsp.rm(this.dir, { recursive: true, force: true });
  }
}

/** The rung's ssh options for one attempt (the user's known_hosts, or also a key accepted once). */
export function rsyncTreeMaster(target: SshTarget, opts: TransportOptions, knownHostsFiles: string[]): SshMaster {
  const plain = sshOptionArgs({ target, connectTimeoutMs: opts.connectTimeoutMs, knownHostsFiles });
  return SshMaster.create(plain, target, rsyncTreeEnv(opts));
}

/**
 * The rsync rung's logins, by node, made when the walk reaches the rung: its probe rides one (the
 * ssh2 login probes otherwise use is one rsync cannot ride), then its push. The push takes its
 * node's; the sync closes those no push took (a failed probe).
 */
export class WarmLogins {
  private readonly byNode = new Map<string, SshMaster>();

  constructor(private readonly opts: TransportOptions) {}

  warm(node: NodeSpec, signal: AbortSignal): void {
    const target = sshTargetOf(node);
    if (typeof target === 'string' || this.byNode.has(node.name)) return;
    const master = rsyncTreeMaster(target, this.opts, [this.opts.knownHostsFile]);
    master.warm(signal, this.opts.probeTimeoutMs);
    this.byNode.set(node.name, master);
  }

  /**
   * The rsync probe over the node's warm login once it is up: one login for the probe and the push.
   * Without one, or when it failed, `probe` (the ssh2 login's): it names the failure as ever, and
   * asks about an unknown host key where the surface can.
   */
  async probe(node: NodeSpec, signal: AbortSignal, probe: () => Promise<ProbeResult>): Promise<ProbeResult> {
    const master = this.byNode.get(node.name);
    const target = sshTargetOf(node);
    const login = master && typeof target !== 'string' ? await master.ready() : undefined;
    if (!master || !login || typeof target === 'string') return probe();
    if (login.rc !== 0) return this.loginFailed(node.name, target, login, probe);
    const env = rsyncTreeEnv(this.opts);
    const local = await localRsyncFeatures(env);
    if (!local.ok) return probe();
    return probeRsyncRiding(node, target, local.value, env, this.opts, signal, master.args);
  }

  /**
   * A failed login is the probe's verdict (an ssh2 login after it would only wait out a silent
   * node's bound again), but for a host key or a missing ssh: the ssh2 probe asks about an unknown
   * key where the surface can, and names a missing ssh as ever.
   */
  private loginFailed(node: string, target: SshTarget, login: LoginOutcome, probe: () => Promise<ProbeResult>): Promise<ProbeResult> {
    const c = classifyRsyncExit(login, { node, target, knownHostsFile: this.opts.knownHostsFile, action: 'probe', idleTimeoutS: 0, deadlineMs: this.opts.probeTimeoutMs });
    if (login.spawnError || c.code === 'host_key_unknown' || c.code === 'host_key_changed') return probe();
    return Promise.resolve({ transport: 'rsync', success: false, message: c.message, latencyMs: login.durationMs, code: c.code });
  }

  /** The node's warm login, now the caller's to close. */
  take(node: string): SshMaster | undefined {
    const master = this.byNode.get(node);
    this.byNode.delete(node);
    return master;
  }

  async closeAll(): Promise<void> {
    const left = [...this.byNode.values()];
    this.byNode.clear();
    await Promise.all(left.map((m) => m.close()));
  }
}
