import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isExecutable } from '../core/localTools';
import { knownHostName } from '../core/ssh/knownHostsParse';
import { writeKeyPair } from './keys';
import { freePort, waitForPort } from './ports';

/** A private OpenSSH sshd for one loopback node: its own host key, authorized_keys and config. */

const SSHD_PATH = '/usr/sbin/sshd';

export function opensshAvailable(): boolean {
  return isExecutable(SSHD_PATH);
}

export interface RunningSshd {
  address: string;
  port: number;
  /** `ssh-ed25519 AAAA...` */
  hostKeyPub: string;
  process: ChildProcess;
  /** Last lines sshd wrote (for error messages). */
  output(): string;
  stop(): Promise<void>;
}

export interface SshdOptions {
  dir: string;
  address: string;
  /** Public keys allowed to log in. */
  authorizedKeys: string[];
  /** Extra sshd_config lines (a ForceCommand wrapper, ...). */
  extraConfig?: string[];
  port?: number;
}

export async function startOpenSshd(opts: SshdOptions): Promise<RunningSshd> {
  fs.mkdirSync(opts.dir, { recursive: true });
  if (process.getuid?.() === 0) fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKeyFile = path.join(opts.dir, 'host_key');
  if (!fs.existsSync(hostKeyFile)) writeKeyPair(hostKeyFile, `ringrift-node-${opts.address}`);
  const authorized = path.join(opts.dir, 'authorized_keys');
  fs.writeFileSync(authorized, opts.authorizedKeys.join('\n') + '\n', { mode: 0o600 });
  const port = opts.port ?? (await freePort(opts.address));
  const config = path.join(opts.dir, 'sshd_config');
  fs.writeFileSync(config, sshdConfigText({ address: opts.address, port, dir: opts.dir, extraConfig: opts.extraConfig }));
  const [cmd, args] = sshdCommand(config);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (b: Buffer) => void (out = (out + b.toString()).slice(-8000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running: RunningSshd = {
    address: opts.address,
    port,
    hostKeyPub: fs.readFileSync(hostKeyFile + '.pub', 'utf8').trim(),
    process: child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(force);
    },
  };
  try {
    await waitForPort(opts.address, port, 5000, `sshd on ${opts.address}`, true);
  } catch (err) {
    await running.stop();
    throw new Error(`${(err as Error).message}: ${out.trim() || 'no output'}`);
  }
  return running;
}

/** Login scripts bash reads for a command sent over SSH (and for a login shell). */
const LOGIN_SCRIPTS = ['.bashrc', '.bash_profile', '.bash_login', '.profile'];

/**
 * The command line that runs sshd on `config`. As root, sshd runs in its own mount namespace where
 * the user's login scripts read as empty: the nodes of tests, benches and the demo log in as the
 * machine's own user, and a machine's ~/.bashrc (pyenv, conda init) would otherwise run on every
 * login: 0.5 s each, and concurrent logins queue on pyenv's rehash lock (80 s measured, 200 nodes).
 * A node's sessions then see a plain shell, the same on every machine.
 */
export function sshdCommand(config: string): [string, string[]] {
  const sshd = [SSHD_PATH, '-D', '-e', '-f', config];
  if (process.getuid?.() !== 0) return [sshd[0], sshd.slice(1)];
  const home = os.userInfo().homedir;
  const scripts = LOGIN_SCRIPTS.map((f) => path.join(home, f)).filter((f) => fs.existsSync(f));
  if (scripts.length === 0) return [sshd[0], sshd.slice(1)];
  const hide = 'for f in "$@"; do [ "$f" = -- ] && break; mount --bind /dev/null "$f" || exit 1; done; shift $(( $# - ' + sshd.length + ' )); exec "$@"';
  return ['unshare', ['--mount', '--propagation', 'slave', '--', 'sh', '-c', hide, 'sh', ...scripts, '--', ...sshd]];
}

/**
 * sshd_config for a private loopback node whose host key, pid file and authorized_keys live in
 * `dir` (host_key, sshd.pid, authorized_keys).
 */
export function sshdConfigText(o: {
  address: string;
  port: number;
  dir: string;
  logLevel?: string;
  extraConfig?: string[];
  /** Shared files instead of the ones in `dir` (a fleet of nodes with one host key). */
  hostKeyFile?: string;
  authorizedKeysFile?: string;
  /** sshd's MaxStartups: raised by default for fleets of nodes on one machine's loopback. */
  maxStartups?: string;
}): string {
  return [
    `ListenAddress ${o.address}:${o.port}`,
    `HostKey ${o.hostKeyFile ?? path.join(o.dir, 'host_key')}`,
    `PidFile ${path.join(o.dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${o.authorizedKeysFile ?? path.join(o.dir, 'authorized_keys')}`,
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    // Keys under /tmp fail sshd's ownership checks otherwise.
    'StrictModes no',
    `MaxStartups ${o.maxStartups ?? '200:30:400'}`,
    `LogLevel ${o.logLevel ?? 'ERROR'}`,
    'Subsystem sftp /usr/lib/openssh/sftp-server',
    ...(o.extraConfig ?? []),
    '',
  ].join('\n');
}

/** known_hosts line for a node's host key (`[addr]:port type key`, port 22 unbracketed). */
export function knownHostsLine(address: string, port: number, hostKeyPub: string): string {
  const [type, key] = hostKeyPub.trim().split(/\s+/);
  return `${knownHostName(address, port)} ${type} ${key}`;
}
