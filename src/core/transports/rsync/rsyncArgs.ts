import type { NodeSpec } from '../../hosts/nodeSpec';

/**
 * The argument vectors for the system rsync and ssh. Pure functions: everything here is
 * unit-tested against the exact vectors; rsync.ts only runs them.
 */

/** What the local rsync can do, read from `rsync --help` (3.2.3+ has --mkpath; 3.3 renamed -s). */
export interface RsyncFeatures {
  version: string;
  /** `--secluded-args` (3.3+) or `--protect-args` (3.0+); undefined for rsync 2.x. */
  protectArgsFlag: string | undefined;
  mkpath: boolean;
  /** `--info=progress2` (3.1+). */
  progress2: boolean;
}

export function parseRsyncHelp(text: string): RsyncFeatures {
  const version = /rsync\s+version\s+v?(\S+)/.exec(text)?.[1] ?? 'unknown';
  const protectArgsFlag = text.includes('--secluded-args')
    ? '--secluded-args'
    : text.includes('--protect-args')
      ? '--protect-args'
      : undefined;
  return { version, protectArgsFlag, mkpath: text.includes('--mkpath'), progress2: text.includes('--info=') };
}

/**
 * Quotes one word for rsync's own split of the `-e` command: rsync splits on spaces and honours
 * '...' and "..." (a doubled quote inside stands for itself); it knows no backslash escapes.
 */
export function rsyncShellWord(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, "''")}'`;
}

/**
 * A file name as an ssh option value: ssh expands `%` tokens in IdentityFile and UserKnownHostsFile
 * (so a literal % is %%), and splits UserKnownHostsFile on blanks unless double-quoted.
 */
export function sshPathValue(p: string): string {
  const escaped = p.replace(/%/g, '%%');
  return /[\s"'\\]/.test(escaped) ? `"${escaped.replace(/(["\\])/g, '\\$1')}"` : escaped;
}

export interface SshTarget {
  user: string;
  host: string;
  port: number;
  key: string | undefined;
}

/** The ssh user/host/port/key of a node, or a message when the hosts file cannot give them. */
export function sshTargetOf(node: NodeSpec): SshTarget | string {
  const host = node.sshHost;
  if (!host) return `${node.name} has no ssh_host: add ssh_host to use rsync`;
  // A leading '-' would be read as an ssh option; such a name is never a real host or user.
  if (host.startsWith('-') || /\s/.test(host)) return `${node.name}: ssh_host '${host}' is not a host name`;
  if (node.user.startsWith('-') || /[\s@:]/.test(node.user)) return `${node.name}: ssh_user '${node.user}' is not a user name`;
  return { user: node.user, host, port: node.sshPort, key: node.sshKey };
}

export interface SshOptionInput {
  target: SshTarget;
  connectTimeoutMs: number;
  /** The known_hosts file(s); a second one holds a key accepted "once" for this run. */
  knownHostsFiles: string[];
}

/** The runbook's ssh options, verified host keys, never a prompt (BatchMode). */
export function sshOptionArgs(input: SshOptionInput): string[] {
  const { target } = input;
  const args = ['-p', String(target.port)];
  // As -o IdentityFile, not -i: ssh checks an -i file before expanding % in it, so a name with %
  // cannot work there; quoted, any name does.
  if (target.key) args.push('-o', `IdentityFile=${sshPathValue(target.key)}`);
  args.push(
    '-o', 'BatchMode=yes',
    '-o', `ConnectTimeout=${Math.max(1, Math.ceil(input.connectTimeoutMs / 1000))}`,
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${input.knownHostsFiles.map(sshPathValue).join(' ')}`,
    '-o', 'ServerAliveInterval=5',
    '-o', 'ServerAliveCountMax=3',
    '-o', `Ciphers=${CIPHERS}`,
  );
  return args;
}

/**
 * OpenSSH's default ciphers with AES-GCM first (default: chacha20 first). With AES instructions
 * (every x86 and ARMv8 server) GCM costs half the CPU per byte; on loopback and fast links the
 * transfer is CPU-bound, so this is what makes our push match plain rsync despite the sha256 check.
 * Every default cipher stays in the list, so any server the default reaches still works.
 */
const CIPHERS = 'aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr';

/** The `-e` value: the ssh command line, each word quoted for rsync's split. */
export function rsyncRemoteShell(sshArgs: string[]): string {
  return ['ssh', ...sshArgs].map(rsyncShellWord).join(' ');
}

/** `ssh_host` bandwidth (Mbit/s) as rsync's --bwlimit unit (KiB/s), at least 1. */
export function bwlimitKiBps(mbps: number): number {
  return Math.max(1, Math.floor((mbps * 1_000_000) / 8 / 1024));
}

/**
 * The path as rsync's receiver should see it. rsync (with protected args) never expands `~`, but
 * it starts in the login directory, so a leading `~/` is the same as a relative path.
 */
export function rsyncRemotePath(resolved: string): string {
  if (resolved === '~') return '.';
  return resolved.startsWith('~/') ? resolved.slice(2) : resolved;
}

/** `user@host:path`, with an IPv6 literal in brackets as rsync expects. */
export function remoteSpec(target: SshTarget, remotePath: string): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${target.user}@${host}:${remotePath}`;
}

/** Partial data of a broken transfer waits here (beside the target) for the next push to resume. */
export const PARTIAL_DIR = '.ringrift-partial';

export interface PushArgsInput {
  features: RsyncFeatures;
  remoteShell: string;
  /** Seconds without I/O before rsync gives up (rc 30); always set: without it rsync can hang forever. */
  idleTimeoutS: number;
  bandwidthLimitMbps: number | undefined;
  /** Use --mkpath (false after the node's rsync refused it: the caller made the directory). */
  mkpath: boolean;
  /** Skip rsync's size+mtime quick check (after a sha256 mismatch on an "unchanged" file). */
  ignoreTimes: boolean;
  localPath: string;
  spec: string;
}

/**
 * Push: -t keeps mtimes so an unchanged file is skipped on the next push (sha256 verifies it anyway);
 * no -z (data files are mostly incompressible, and compression costs more CPU than loopback/LAN
 * links save); no --checksum (it reads the whole file on both sides first; we verify afterwards).
 */
export function pushArgs(input: PushArgsInput): string[] {
  const f = input.features;
  const args = ['-t', `--partial-dir=${PARTIAL_DIR}`, `--timeout=${Math.max(1, input.idleTimeoutS)}`];
  if (input.bandwidthLimitMbps !== undefined && input.bandwidthLimitMbps > 0) {
    args.push(`--bwlimit=${bwlimitKiBps(input.bandwidthLimitMbps)}`);
  }
  if (input.mkpath && f.mkpath) args.push('--mkpath');
  if (f.protectArgsFlag) args.push(f.protectArgsFlag);
  if (f.progress2) args.push('--info=progress2');
  args.push('--stats');
  if (input.ignoreTimes) args.push('--ignore-times');
  args.push('-e', input.remoteShell, input.localPath, input.spec);
  return args;
}

/** Marks the `--out-format` line of each file a tree push transferred (`%n`, rsync-escaped). */
export const SENT_MARK = 'ringrift-sent:';

export interface TreeArgsInput {
  features: RsyncFeatures;
  remoteShell: string;
  idleTimeoutS: number;
  bandwidthLimitMbps: number | undefined;
  /** The local tree's root, absolute. */
  localRoot: string;
  /** `user@host:root/`. */
  spec: string;
}

/**
 * One rsync run for a tree: exactly the names on stdin (`--files-from=- --from0`, relative to the
 * root; never through a shell), symlinks inside the tree copied as what they point to (`-L`; the
 * walk refused the rest), mtimes kept (`-t`) so the quick check skips unchanged files next time,
 * each file renamed into place when complete (`--partial-dir`), and a line per transferred file.
 */
export function treePushArgs(input: TreeArgsInput): string[] {
  const f = input.features;
  const args = ['-t', '-L', '-8', '--from0', '--files-from=-', `--partial-dir=${PARTIAL_DIR}`, `--timeout=${Math.max(1, input.idleTimeoutS)}`];
  if (input.bandwidthLimitMbps !== undefined && input.bandwidthLimitMbps > 0) args.push(`--bwlimit=${bwlimitKiBps(input.bandwidthLimitMbps)}`);
  if (f.protectArgsFlag) args.push(f.protectArgsFlag);
  if (f.progress2) args.push('--info=progress2');
  args.push('--stats', `--out-format=${SENT_MARK}%n`, '-e', input.remoteShell, input.localRoot.endsWith('/') ? input.localRoot : `${input.localRoot}/`, input.spec);
  return args;
}

/** A name as rsync prints it (control characters, and bytes invalid here, as `\#ooo`) back to itself. */
export function unescapeRsyncName(text: string): string {
  const bytes: Buffer[] = [];
  let last = 0;
  for (const m of text.matchAll(/\\#([0-7]{3})/g)) {
    bytes.push(Buffer.from(text.slice(last, m.index), 'utf8'), Buffer.from([parseInt(m[1], 8)]));
    last = m.index + m[0].length;
  }
  bytes.push(Buffer.from(text.slice(last), 'utf8'));
  return Buffer.concat(bytes).toString('utf8');
}
