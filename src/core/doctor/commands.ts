import { knownHostName } from '../ssh/knownHostsParse';
import { shellQuote, shellQuoteRemotePath } from '../transports/remotePath';
import type { FixContext, TargetFacts } from './evidence';

/**
 * Command lines of the fixes, filled in with the node's real address, user, port and key. Every
 * value goes through `word` or shellQuote; remote scripts are quoted once more for ssh.
 */

/** A shell word: as is when it holds nothing special, else single-quoted. */
export function word(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : shellQuote(s);
}

function sshHostOf(t: TargetFacts): string {
  return t.sshHost ?? t.address ?? t.node;
}

/** `USER@HOST` as ssh and ssh-copy-id take it. */
function destination(t: TargetFacts): string {
  return `${word(t.user)}@${word(sshHostOf(t))}`;
}

/**
 * `ssh [OPTIONS] -p PORT -i KEY USER@HOST` (the port always written, so the line says where it
 * goes). Options must come before the destination: after it, ssh sends them as the command.
 */
export function sshPrefix(t: TargetFacts, ctx: FixContext, ...options: string[]): string {
  const key = t.sshKey ? ` -i ${word(t.sshKey)}` : '';
  return ['ssh', ...ctx.sshOptions.map(word), ...options, `-p ${t.sshPort}${key}`, destination(t)].join(' ');
}

/** Runs `script` on the node over SSH. */
export function overSsh(t: TargetFacts, ctx: FixContext, script: string): string {
  return `${sshPrefix(t, ctx)} ${shellQuote(script)}`;
}

/** ssh's options for a known_hosts file other than its default `~/.ssh/known_hosts`. */
export function knownHostsOptions(knownHostsFile: string, defaultFile: string): string[] {
  return knownHostsFile === defaultFile ? [] : ['-o', `UserKnownHostsFile=${knownHostsFile}`];
}

/** The node's ringrift_path for its shell (`~/x` stays expandable). */
export function remoteRoot(t: TargetFacts): string {
  if (!t.remoteBase) return '"$HOME"';
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(t.remoteBase) ? t.remoteBase : shellQuoteRemotePath(t.remoteBase);
}

/**
 * The commands that (re)start the agent on the node: the configured command, else `nohup
 * ringrift-sync agent` in ringrift_path. `kill` first stops a hung one with SIGKILL (a stopped
 * process ignores SIGTERM), as its own command: a shell whose command line also holds the start
 * line would match `pkill -f` and kill itself (the `[r]` keeps pkill off the kill line's shell).
 */
export function agentStartScripts(t: TargetFacts, ctx: FixContext, kill: boolean): string[] {
  if (ctx.agentRestartCommand) return [ctx.agentRestartCommand];
  const root = remoteRoot(t);
  // Not `cd X && nohup ... &`: that backgrounds the whole list in a subshell holding the SSH
  // session's stdout, and ssh never returns.
  const start =
    `cd ${root} || exit 1; nohup ringrift-sync agent --port ${t.p2pPort} --root ${root} --name ${word(t.node)} ` +
    `</dev/null >/tmp/ringrift-agent.log 2>&1 &`;
  return kill ? [`pkill -KILL -f ${shellQuote(`[r]ingrift-sync agent --port ${t.p2pPort}( |$)`)}; sleep 1`, start] : [start];
}

/** A `ringrift-sync` command with the flags the user gave (`--hosts`, `--state-dir`). */
export function cliCommand(ctx: FixContext, ...args: string[]): string {
  return ['ringrift-sync', ...args.map(word), ...ctx.cliArgs.map(word)].join(' ');
}

/** `ssh-keygen -R '[HOST]:PORT' -f KNOWN_HOSTS`: removes every line for that host (hashed ones too). */
export function keygenRemove(host: string, port: number, knownHostsFile: string): string {
  return `ssh-keygen -R ${shellQuote(knownHostName(host, port))} -f ${word(knownHostsFile)}`;
}

/** `ssh-copy-id -i KEY -p PORT USER@HOST` (ssh-copy-id installs KEY.pub). */
export function sshCopyId(t: TargetFacts, ctx: FixContext): string {
  const key = t.sshKey ? `-i ${word(t.sshKey)} ` : '';
  const opts = ctx.sshOptions.map((o) => `${word(o)} `).join('');
  return `ssh-copy-id ${key}${opts}-p ${t.sshPort} ${destination(t)}`;
}

/** Debian/Ubuntu package that brings a tool the transports need. */
export function packageFor(tool: string): string {
  if (tool === 'rsync') return 'rsync';
  if (tool === 'shasum') return 'perl';
  return 'coreutils';
}

export { formatBytes } from '../units';
