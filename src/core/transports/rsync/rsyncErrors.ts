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

export function classifyRsyncExit(exit: ExitInfo, ctx: FailureContext): ClassifiedFailure {
  const { target: t, node } = ctx;
  const where = `${node} (${t.user}@${t.host}:${t.port})`;
  const err = exit.stderr;
  const detail = telltaleLine(err);
  const keep = `the file already on the node (if any) is untouched and the partial in ${PARTIAL_DIR} is resumed by the next push`;

  if (exit.aborted) {
    return { code: 'cancelled', message: `rsync ${ctx.action} to ${where} cancelled; ${ctx.action === 'push' ? keep : 'nothing was changed'}` };
  }
  if (exit.spawnError) {
    return {
      code: 'local_tool_missing',
      message: `cannot run rsync on this machine (${exit.spawnError}): install rsync and ssh (apt-get install rsync openssh-client, brew install rsync)`,
    };
  }
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/.test(err)) {
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
  if (/host key is known for|Host key verification failed/.test(err)) {
    return {
      code: 'host_key_unknown',
      message:
        `host key of ${where} is not in ${ctx.knownHostsFile}; nothing was sent. Accept it with --accept-new (CLI) or the prompt (VS Code), ` +
        `or check its fingerprint and add it: ssh-keyscan -p ${t.port} ${t.host} >> ${ctx.knownHostsFile}`,
    };
  }
  if (/Permission denied \((publickey|password|keyboard)/.test(err)) {
    const key = t.key ?? `~/.ssh/${DEFAULT_KEY_NAMES[0]}.pub`;
    return {
      code: 'auth_failed',
      message:
        `${t.user}@${t.host}:${t.port} refused our key (${t.key ?? 'ssh-agent/default keys'}) for ${node}: ` +
        `install it with 'ssh-copy-id -i ${key} -p ${t.port} ${t.user}@${t.host}', or fix ssh_user/ssh_key`,
    };
  }
  if (/Connection refused/.test(err)) {
    return { code: 'refused', message: `${t.host}:${t.port} refused the connection: sshd is not running on ${node}, or ssh_port is wrong` };
  }
  if (/Could not resolve hostname|Name or service not known|nodename nor servname/.test(err)) {
    return { code: 'dns', message: `cannot resolve '${t.host}' (ssh_host of ${node}): check the name, or use tailscale_ip / an address` };
  }
  if (/No route to host|Network is unreachable|Host is unreachable/.test(err)) {
    return { code: 'unreachable', message: `no route to ${t.host} (${node}): the network or tailscale is down, or the node is off` };
  }
  // TCP accepted, then sshd said nothing (ssh applies ConnectTimeout to the banner too): a hung sshd.
  if (/timed out during banner exchange|Connection timed out during banner/.test(err)) {
    return {
      code: 'handshake_timeout',
      message: `${t.host}:${t.port} accepted the TCP connection but sshd sent no banner in time (${node}): sshd is hung or overloaded (MaxStartups), or not an SSH server on that port`,
    };
  }
  // "connect to host ... port 22: Connection timed out": no answer to the SYN at all.
  if (/Connection timed out|Operation timed out/.test(err)) {
    return {
      code: 'connect_timeout',
      message: `no answer to connect to ${t.host}:${t.port} (${node}): the node is off, a firewall drops the port, or the node is behind NAT (nothing connects in)`,
    };
  }
  if (/--mkpath: unknown option/.test(err)) {
    return { code: 'remote_rsync_no_mkpath', message: `rsync on ${node} is older than 3.2.3 (no --mkpath)` };
  }
  if (exit.rc === 127 || /rsync: (command )?not found|rsync: No such file or directory/.test(err)) {
    return {
      code: 'remote_tool_missing',
      message: `rsync is not installed on ${node} (${detail || 'command not found'}): install it there (apt-get install rsync), or let the sync escalate to base64`,
    };
  }
  if (/No space left on device|Disk quota exceeded/.test(err)) {
    return {
      code: 'disk_full',
      message: `${node} ran out of disk space writing ${ctx.remotePath ?? 'the file'}: free space there and push again; ${keep}`,
    };
  }
  if (/Permission denied \(13\)|Read-only file system/.test(err)) {
    return {
      code: 'remote_permission_denied',
      message: `${t.user} cannot write ${ctx.remotePath ?? 'there'} on ${node} (${detail}): fix the directory's owner/mode or ringrift_path`,
    };
  }
  if (exit.timedOut) {
    return {
      code: 'timeout',
      // ssh said nothing before our deadline: its connect timeout may not have fired yet, so a
      // silent address (SYN unanswered) and a hung sshd look alike here. `doctor` tells them apart.
      message:
        `rsync ${ctx.action} to ${where} got no answer within ${Math.round((ctx.deadlineMs ?? 0) / 1000)} s and ssh gave no reason: ` +
        `either nothing answers the connect (node off, firewall drops, NAT) or sshd accepted and stays silent (hung node); 'ringrift-sync doctor ${node}' tells which`,
    };
  }
  if (exit.rc === 30 || exit.rc === 35) {
    return {
      code: 'timeout',
      message: `rsync ${ctx.action} to ${where} stalled: no data for ${ctx.idleTimeoutS} s (rsync --timeout)${ctx.action === 'push' ? `; ${keep}` : ''}`,
    };
  }
  if (exit.rc === 23 || exit.rc === 24) {
    return { code: 'partial_transfer', message: `rsync ${ctx.action} to ${where} finished with errors (code ${exit.rc}): ${detail}` };
  }
  if (exit.rc === 12 || exit.rc === 255 || exit.rc === 10) {
    return {
      code: 'connection_lost',
      message: `ssh connection to ${where} failed or dropped (rsync code ${exit.rc}): ${detail || 'no reason given'}${ctx.action === 'push' ? `; ${keep}` : ''}`,
    };
  }
  return { code: 'rsync_failed', message: `rsync ${ctx.action} to ${where} failed (code ${exit.rc ?? 'killed'}): ${detail || 'no reason given'}` };
}
