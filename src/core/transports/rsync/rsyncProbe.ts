import { withDeadline } from '../../deadline';
import type { NodeSpec } from '../../hosts/nodeSpec';
import { onPath } from '../../localTools';
import { probeLogin, type ProbeRound } from '../probeRound';
import type { ProbeResult, TransportOptions } from '../transport';
import type { RsyncFeatures, SshTarget } from './rsyncArgs';
import { runBounded } from '../boundedProcess';
import { classifyRsyncExit, type ExitInfo } from './rsyncErrors';
import { sshCommandArgs } from './rsyncVerify';
import type { RsyncFailure } from './rsync';

/** What rsync prints first for `--version`; anything before it came from the node's login shell. */
const RSYNC_VERSION_LINE = /^rsync\s+version\s+(\S+)/;
const RSYNC_VERSION_ANYWHERE = /^rsync\s+version\s/m;

/**
 * The rsync rung's probe, over the round's shared SSH login: `rsync --version` run by the node's
 * login shell, as rsync's own `rsync --server` would be. It finds what a dry run found (login, host
 * key, rsync on the node), and names what breaks rsync's protocol that a dry run only reports as
 * "protocol version mismatch": a login shell that prints text. The local side (rsync and ssh on
 * PATH) is checked here, since no local rsync runs.
 */
export async function probeRsync(
  node: NodeSpec, target: SshTarget, local: RsyncFeatures, env: NodeJS.ProcessEnv,
  opts: TransportOptions, signal: AbortSignal, round: ProbeRound,
): Promise<ProbeResult> {
  const result = resultSince(Date.now());
  if (!onPath('ssh', env)) return result(false, SSH_MISSING, 'local_tool_missing');
  const ssh = await round.ssh((s) => probeLogin(node, opts, s));
  if (!ssh.ok) return result(false, ssh.code === 'timeout' ? ssh.message : `${ssh.message} (rsync probe)`, ssh.code);
  const r = await withDeadline(signal, opts.probeTimeoutMs, (bound) => ssh.value.exec('rsync --version', { signal: bound }));
  if (!r.ok) {
    const ownBound = r.code === 'cancelled' && !signal.aborted;
    return ownBound ? result(false, overBound(node.name, opts), 'timeout') : result(false, `${r.message} (rsync probe)`, r.code);
  }
  const { code, stdout, stderr } = r.value;
  return judgeVersion({ node: node.name, target, local, opts }, { rc: code, stdout, stderr, timedOut: false, aborted: false }, result);
}

/**
 * The same probe over the system ssh, riding `sshArgs`' OpenSSH master, already logged in (the tree
 * rsync rung's, core/tree/sshMaster.ts): that rung then logs in once for its probe and its push.
 */
export async function probeRsyncRiding(
  node: NodeSpec, target: SshTarget, local: RsyncFeatures, env: NodeJS.ProcessEnv,
  opts: TransportOptions, signal: AbortSignal, sshArgs: string[],
): Promise<ProbeResult> {
  const result = resultSince(Date.now());
  const out = await runBounded('ssh', sshCommandArgs(sshArgs, target.user, target.host, 'rsync --version'), { env, signal, deadlineMs: opts.probeTimeoutMs }).done;
  if (out.timedOut) return result(false, overBound(node.name, opts), 'timeout');
  return judgeVersion({ node: node.name, target, local, opts }, out, result);
}

type ProbeResultOf = (success: boolean, message: string, code?: RsyncFailure) => ProbeResult;

function resultSince(started: number): ProbeResultOf {
  return (success, message, code) => ({ transport: 'rsync', success, message, latencyMs: Date.now() - started, ...(code ? { code } : {}) });
}

const SSH_MISSING = 'cannot run ssh on this machine, which rsync runs as its remote shell: install the OpenSSH client (apt-get install openssh-client)';

function overBound(node: string, opts: TransportOptions): string {
  return `node ${node}: rsync --version did not finish within the ${opts.probeTimeoutMs / 1000} s probe bound (node overloaded, or a hung login shell)`;
}

/** What the node's `rsync --version` said: rsync there, a login shell that prints text, or why it failed. */
function judgeVersion(
  about: { node: string; target: SshTarget; local: RsyncFeatures; opts: TransportOptions }, out: ExitInfo & { stdout: string }, result: ProbeResultOf,
): ProbeResult {
  const { node, target, local, opts } = about;
  const firstLine = out.stdout.split('\n', 1)[0];
  const version = RSYNC_VERSION_LINE.exec(firstLine)?.[1];
  const where = `${target.user}@${target.host}:${target.port}`;
  if (out.rc === 0 && version) return result(true, `rsync over ssh to ${where} works (node rsync ${version}, local rsync ${local.version})`);
  if (out.rc === 0 && RSYNC_VERSION_ANYWHERE.test(out.stdout)) return result(false, noisyShellMessage(node, firstLine), 'rsync_failed');
  const c = classifyRsyncExit(out, { node, target, knownHostsFile: opts.knownHostsFile, action: 'probe', idleTimeoutS: 0, deadlineMs: opts.probeTimeoutMs });
  return result(false, c.message, c.code);
}

function noisyShellMessage(node: string, firstLine: string): string {
  return `${node}: the node's login shell prints text before a command runs ('${firstLine.slice(0, 80)}'), which breaks rsync's protocol ("protocol version mismatch -- is your shell clean?"): make ~/.bashrc print nothing for a non-interactive shell (put the output behind [ -z "$PS1" ] && return), or let the sync escalate to base64`;
}
