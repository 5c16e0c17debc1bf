import { execFileSync } from 'node:child_process';

/** Runs the lab's plumbing commands (ip, nft, tc, sysctl) and says which one failed and why. */

export function run(cmd: string, args: string[], input?: string): string {
  try {
    return execFileSync(cmd, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`lab: \`${cmd} ${args.join(' ')}\` failed: ${(e.stderr || e.message).trim()}`);
  }
}

/** Like run, for commands whose failure is expected and harmless (deleting what may not exist). */
export function tryRun(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `ip ARGS` inside namespace `ns` (`ip -n` does not cover every subcommand, `ip netns exec` does). */
export function ipIn(ns: string, args: string[]): string {
  return run('ip', ['netns', 'exec', ns, 'ip', ...args]);
}

function inNs(ns: string, cmd: string, args: string[], input?: string): string {
  return run('ip', ['netns', 'exec', ns, cmd, ...args], input);
}

/** Loads an nft script into namespace `ns` atomically. */
export function nft(ns: string, script: string): void {
  inNs(ns, 'nft', ['-f', '-'], script);
}

export function sysctl(ns: string, key: string, value: string | number): void {
  inNs(ns, 'sysctl', ['-qw', `${key}=${value}`]);
}
