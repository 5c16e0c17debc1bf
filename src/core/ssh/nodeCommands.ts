import type { NodeSpec } from '../hosts/nodeSpec';
import { fail, ok, type Result } from '../result';
import { shellQuote, shellQuoteRemotePath } from '../transports/remotePath';
import type { TransportOptions } from '../transports/transport';
import { openSsh } from './connect';
import type { ExecResult } from './session';
import type { SshErrorCode } from './sshErrors';

/**
 * One-off commands on a node over SSH (the operator's "check disk space", "restart the agent"):
 * connect, run, close. Host keys are verified as for every other SSH use.
 */
export async function runOnNode(
  node: NodeSpec,
  opts: TransportOptions,
  command: string,
  signal: AbortSignal,
  timeoutMs = 30_000,
): Promise<Result<ExecResult, SshErrorCode>> {
  const session = await openSsh(node, opts, signal);
  if (!session.ok) return session;
  try {
    return await session.value.exec(command, { signal, timeoutMs });
  } finally {
    session.value.close();
  }
}

export interface DiskSpace {
  /** The directory measured: the node's ringrift_path, or its home when that does not exist. */
  path: string;
  filesystem: string;
  mountedOn: string;
  totalBytes: number;
  freeBytes: number;
  usedPercent: number;
}

/** Parses POSIX `df -Pk` output (header + one line). Undefined when it is not that shape. */
export function parseDfPk(stdout: string): Omit<DiskSpace, 'path'> | undefined {
  const lines = stdout.trim().split('\n').filter((l) => l.trim() !== '');
  const last = lines.at(-1);
  if (lines.length < 2 || !last) return undefined;
  // Filesystem and mount point may hold spaces; the capacity column (`37%`) anchors the rest.
  const cols = last.trim().split(/\s+/);
  const cap = cols.findIndex((c, i) => i >= 4 && /^\d+%$/.test(c));
  if (cap < 0) return undefined;
  const [blocks, , avail] = cols.slice(cap - 3, cap);
  const total = Number(blocks) * 1024;
  const free = Number(avail) * 1024;
  const used = Number(cols[cap].slice(0, -1));
  if (![total, free, used].every(Number.isFinite)) return undefined;
  return { filesystem: cols.slice(0, cap - 3).join(' '), mountedOn: cols.slice(cap + 1).join(' '), totalBytes: total, freeBytes: free, usedPercent: used };
}

/** Free space where files land on the node (`df -Pk` in its ringrift_path, else in its home). */
export async function diskSpace(node: NodeSpec, opts: TransportOptions, signal: AbortSignal): Promise<Result<DiskSpace, SshErrorCode | 'bad_output'>> {
  const base = node.remoteBase ?? '~';
  const script = `cd ${shellQuoteRemotePath(base)} 2>/dev/null || cd; pwd; df -Pk .`;
  const ran = await runOnNode(node, opts, `sh -c ${shellQuote(script)}`, signal, 15_000);
  if (!ran.ok) return ran;
  if (ran.value.code !== 0) return fail('bad_output', `node ${node.name}: df exited ${ran.value.code}: ${ran.value.stderr || 'no message'}`);
  const [where, ...rest] = ran.value.stdout.split('\n');
  const parsed = parseDfPk(rest.join('\n'));
  if (!parsed) return fail('bad_output', `node ${node.name}: cannot read the output of 'df -Pk': ${ran.value.stdout.slice(0, 200)}`);
  return ok({ path: where.trim(), ...parsed });
}
