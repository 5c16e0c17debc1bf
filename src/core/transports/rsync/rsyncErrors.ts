import { knownHostName } from '../../ssh/knownHostsParse';
import { DEFAULT_KEY_NAMES } from '../../ssh/userFiles';
import type { SshTarget } from './rsyncArgs';
import { PARTIAL_DIR } from './rsyncArgs';

/**
 * Turns an rsync/ssh exit (code + stderr) into a stable code and one line an operator can act on.
 * ssh's stderr is more precise than rsync's exit code (rsync reports most ssh trouble as 255 or
 * 12), so stderr patterns are checked first, the exit code after.
 */

export type RsyncErrorCode =
  | 'cancelled'
  | 'timeout'
  | 'connect_timeout'
  | 'handshake_timeout'
  | 'refused'
  | 'dns'
  | 'unreachable'
  | 'host_key_changed'
  | 'host_key_unknown'
  | 'auth_failed'
  | 'remote_tool_missing'
  | 'remote_rsync_no_mkpath'
  | 'remote_permission_denied'
  | 'disk_full'
  | 'partial_transfer'
  | 'connection_lost'
  | 'local_tool_missing'
  | 'rsync_failed';

export interface ExitInfo {
  rc: number | null;
  stderr: string;
  /** Our own deadline fired (probe bound). */
  timedOut: boolean;
  aborted: boolean;
  spawnError?: string;
}

export interface FailureContext {
  node: string;
  target: SshTarget;
  /** The known_hosts file the user manages (not a temporary "once" file). */
  knownHostsFile: string;
  action: 'push' | 'probe';
  /** Where the file was going, as resolved on the node. */
  remotePath?: string;
  /** rsync --timeout in seconds and our whole-run bound, for the messages. */
  idleTimeoutS: number;
  deadlineMs?: number;
}

export interface ClassifiedFailure {
  code: RsyncErrorCode;
  message: string;
  /** For host_key_changed: the known_hosts line to remove. */
  offending?: { file: string; line: number };
}

/** The most telling stderr line: rsync's or ssh's own words, without the generic trailer lines. */
export function telltaleLine(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const noise = /connection unexpectedly closed|^rsync error:|^@+$|^IT IS POSSIBLE|^Someone could|^Please contact/;
  const useful = lines.filter((l) => !noise.test(l));
  return (useful[0] ?? lines[0] ?? '').slice(0, 300);
}

/** What the messages are built from: the exit, its context, and the words they share. */
interface Said {
  exit: ExitInfo;
  ctx: FailureContext;
  t: SshTarget;
  node: string;
  err: string;
  where: string;
  detail: string;
  /** The resume promise a cut push ends with. */
  keep: string;
}

interface ExitRule {
  when: (s: Said) => boolean;
  failure: (s: Said) => ClassifiedFailure;
}

function hostKeyChanged({ t, ctx, err, where }: Said): ClassifiedFailure {
  const off = /Offending \S+ key in (.+):(\d+)/.exec(err);
  const file = off?.[1] ?? ctx.knownHostsFile;
  const line = off ? Number(off[2]) : undefined;
  const fp = /(SHA256:[A-Za-z0-9+/=]+)/.exec(err)?.[1];
  return {
    code: 'host_key_changed',
    message:
      `host key of ${where} has CHANGED${fp ? ` (now ${fp})` : ''}: the node was reinstalled or someone is intercepting; nothing was sent. ` +
      `If the new key is expected, remove ${line ? `line ${line} of ${file} (${file}:${line})` : `its entry from ${file}`} ` +
      `(ssh-keygen -f "${file}" -R "${knownHostName(t.host, t.port)}") and test again`,
    offending: line ? { file, line } : undefined,
  };
}

function authFailed({ t, node }: Said): ClassifiedFailure {
  const key = t.key ?? `~/.ssh/${DEFAULT_KEY_NAMES[0]}.pub`;
  return {
    code: 'auth_failed',
    message:
      `${t.user}@${t.host}:${t.port} refused our key (${t.key ?? 'ssh-agent/default keys'}) for ${node}: ` +
      `install it with 'ssh-copy-id -i ${key} -p ${t.port} ${t.user}@${t.host}', or fix ssh_user/ssh_key`,
  };
}

const saidIn = (re: RegExp) => (s: Said) => re.test(s.err);
const exitedWith = (...codes: number[]) => (s: Said) => s.exit.rc !== null && codes.includes(s.exit.rc);
const ifPush = (s: Said, text: string) => (s.ctx.action === 'push' ? text : '');

/**
 * In order: our own cancel and spawn failure, then ssh's and rsync's words (more precise than the
 * exit code: rsync reports most ssh trouble as 255 or 12), then our deadline, then the exit code.
 */
const EXIT_RULES: readonly ExitRule[] = [
  {
    when: (s) => s.exit.aborted,
    failure: (s) => ({ code: 'cancelled', message: `rsync ${s.ctx.action} to ${s.where} cancelled; ${s.ctx.action === 'push' ? s.keep : 'nothing was changed'}` }),
  },
  {
    when: (s) => !!s.exit.spawnError,
    failure: (s) => ({
      code: 'local_tool_missing',
      message: `cannot run rsync on this machine (${s.exit.spawnError}): install rsync and ssh (apt-get install rsync openssh-client, brew install rsync)`,
    }),
  },
  { when: saidIn(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/), failure: hostKeyChanged },
  {
    when: saidIn(/host key is known for|Host key verification failed/),
    failure: ({ t, ctx, where }) => ({
      code: 'host_key_unknown',
      message:
        `host key of ${where} is not in ${ctx.knownHostsFile}; nothing was sent. Accept it with --accept-new (CLI) or the prompt (VS Code), ` +
        `or check its fingerprint and add it: ssh-keyscan -p ${t.port} ${t.host} >> ${ctx.knownHostsFile}`,
    }),
  },
  { when: saidIn(/Permission denied \((publickey|password|keyboard)/), failure: authFailed },
  {
    when: saidIn(/Connection refused/),
    failure: ({ t, node }) => ({ code: 'refused', message: `${t.host}:${t.port} refused the connection: sshd is not running on ${node}, or ssh_port is wrong` }),
  },
  {
    when: saidIn(/Could not resolve hostname|Name or service not known|nodename nor servname/),
    failure: ({ t, node }) => ({ code: 'dns', message: `cannot resolve '${t.host}' (ssh_host of ${node}): check the name, or use tailscale_ip / an address` }),
  },
  {
    when: saidIn(/No route to host|Network is unreachable|Host is unreachable/),
    failure: ({ t, node }) => ({ code: 'unreachable', message: `no route to ${t.host} (${node}): the network or tailscale is down, or the node is off` }),
  },
  // TCP accepted, then sshd said nothing (ssh applies ConnectTimeout to the banner too): a hung sshd.
  {
    when: saidIn(/timed out during banner exchange|Connection timed out during banner/),
    failure: ({ t, node }) => ({
      code: 'handshake_timeout',
      message: `${t.host}:${t.port} accepted the TCP connection but sshd sent no banner in time (${node}): sshd is hung or overloaded (MaxStartups), or not an SSH server on that port`,
    }),
  },
  // "connect to host ... port 22: Connection timed out": no answer to the SYN at all.
  {
    when: saidIn(/Connection timed out|Operation timed out/),
    failure: ({ t, node }) => ({
      code: 'connect_timeout',
      message: `no answer to connect to ${t.host}:${t.port} (${node}): the node is off, a firewall drops the port, or the node is behind NAT (nothing connects in)`,
    }),
  },
  {
    when: saidIn(/--mkpath: unknown option/),
    failure: ({ node }) => ({ code: 'remote_rsync_no_mkpath', message: `rsync on ${node} is older than 3.2.3 (no --mkpath)` }),
  },
  {
    when: (s) => s.exit.rc === 127 || /rsync: (command )?not found|rsync: No such file or directory/.test(s.err),
    failure: ({ node, detail }) => ({
      code: 'remote_tool_missing',
      message: `rsync is not installed on ${node} (${detail || 'command not found'}): install it there (apt-get install rsync), or let the sync escalate to base64`,
    }),
  },
  {
    when: saidIn(/No space left on device|Disk quota exceeded/),
    failure: ({ node, ctx, keep }) => ({
      code: 'disk_full',
      message: `${node} ran out of disk space writing ${ctx.remotePath ?? 'the file'}: free space there and push again; ${keep}`,
    }),
  },
  {
    when: saidIn(/Permission denied \(13\)|Read-only file system/),
    failure: ({ t, ctx, node, detail }) => ({
      code: 'remote_permission_denied',
      message: `${t.user} cannot write ${ctx.remotePath ?? 'there'} on ${node} (${detail}): fix the directory's owner/mode or ringrift_path`,
    }),
  },
  {
    when: (s) => s.exit.timedOut,
    failure: ({ ctx, where, node }) => ({
      code: 'timeout',
      // ssh said nothing before our deadline: its connect timeout may not have fired yet, so a
      // silent address (SYN unanswered) and a hung sshd look alike here. `doctor` tells them apart.
      message:
        `rsync ${ctx.action} to ${where} got no answer within ${Math.round((ctx.deadlineMs ?? 0) / 1000)} s and ssh gave no reason: ` +
        `either nothing answers the connect (node off, firewall drops, NAT) or sshd accepted and stays silent (hung node); 'ringrift-sync doctor ${node}' tells which`,
    }),
  },
  {
    when: exitedWith(30, 35),
    failure: (s) => ({
      code: 'timeout',
      message: `rsync ${s.ctx.action} to ${s.where} stalled: no data for ${s.ctx.idleTimeoutS} s (rsync --timeout)${ifPush(s, `; ${s.keep}`)}`,
    }),
  },
  {
    when: exitedWith(23, 24),
    failure: ({ ctx, where, exit, detail }) => ({ code: 'partial_transfer', message: `rsync ${ctx.action} to ${where} finished with errors (code ${exit.rc}): ${detail}` }),
  },
  {
    when: exitedWith(12, 255, 10),
    failure: (s) => ({
      code: 'connection_lost',
      message: `ssh connection to ${s.where} failed or dropped (rsync code ${s.exit.rc}): ${s.detail || 'no reason given'}${ifPush(s, `; ${s.keep}`)}`,
    }),
  },
];

export function classifyRsyncExit(exit: ExitInfo, ctx: FailureContext): ClassifiedFailure {
  const { target: t, node } = ctx;
  const s: Said = {
    exit, ctx, t, node,
    err: exit.stderr,
    where: `${node} (${t.user}@${t.host}:${t.port})`,
    detail: telltaleLine(exit.stderr),
    keep: `the file already on the node (if any) is untouched and the partial in ${PARTIAL_DIR} is resumed by the next push`,
  };
  const rule = EXIT_RULES.find((r) => r.when(s));
  if (rule) return rule.failure(s);
  return { code: 'rsync_failed', message: `rsync ${ctx.action} to ${s.where} failed (code ${exit.rc ?? 'killed'}): ${s.detail || 'no reason given'}` };
}
