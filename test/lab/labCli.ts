import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { DoctorReport, NodeReport } from '../../src/core/doctor';
import { CLI_JS } from '../integration/harness/cluster';
import type { Lab } from './lab';

/** The built CLI run against the lab, with only the environment the lab prints for hand use. */

const execFileAsync = promisify(execFile);

interface SyncAttempt { transport: string; result: string; code?: string; error?: string; bytesMoved?: number; partialBytes?: number; resumed?: boolean }
export interface SyncResult { success: boolean; disabled: boolean; transportUsed: string | null; message: string; resumedTries?: number; attempts: SyncAttempt[] }

interface CliRun { stdout: string; stderr: string; code: number; ms: number }

async function runCli(lab: Lab, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const t0 = process.hrtime.bigint();
  const out = await execFileAsync(process.execPath, [CLI_JS, ...args], { env: { ...process.env, ...lab.env(), ...env }, encoding: 'utf8', maxBuffer: 1 << 24 }).then(
    (r) => ({ stdout: r.stdout, stderr: r.stderr, code: 0 }),
    (err: { stdout: string; stderr: string; code: number }) => ({ stdout: err.stdout, stderr: err.stderr, code: err.code }),
  );
  return { ...out, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

/** `sync NODE --path FILE --json` with the node's own state dir; the node's one result. */
export async function labSync(lab: Lab, node: string, file: string, extra: string[] = [], env: Record<string, string> = {}): Promise<{ r: SyncResult; ms: number }> {
  const out = await runCli(lab, ['sync', node, '--path', file, '--state-dir', path.join(lab.dir, `state-${node}`), '--json', ...extra], env);
  try {
    return { r: (JSON.parse(out.stdout) as { results: SyncResult[] }).results[0], ms: out.ms };
  } catch {
    throw new Error(`sync gave no JSON (exit ${out.code}): ${out.stdout}\n${out.stderr}`);
  }
}

/** A `sync --fanout` result: the plain one plus where the node's copy came from. */
export interface FanoutSyncResult extends SyncResult {
  node: string;
  source: string;
  wave: number;
  route: 'seed' | 'pull' | 'direct';
  pulls?: Array<{ source: string; result: string; code?: string; error?: string }>;
}

/** `sync ARGS --json` over several nodes (--all, --fanout) with one state dir; every result by node. */
export async function labSyncMany(lab: Lab, args: string[], stateName: string): Promise<{ by: Record<string, FanoutSyncResult>; ms: number; stderr: string }> {
  const out = await runCli(lab, ['sync', ...args, '--state-dir', path.join(lab.dir, `state-${stateName}`), '--json']);
  try {
    const results = (JSON.parse(out.stdout) as { results: FanoutSyncResult[] }).results;
    return { by: Object.fromEntries(results.map((r) => [r.node, r])), ms: out.ms, stderr: out.stderr };
  } catch {
    throw new Error(`sync gave no JSON (exit ${out.code}): ${out.stdout}\n${out.stderr}`);
  }
}

/** `doctor NODE --json`; the node's report. */
export async function labDoctor(lab: Lab, node: string, ...args: string[]): Promise<{ node: NodeReport; code: number; ms: number }> {
  const out = await runCli(lab, ['doctor', node, ...args, '--json', '--state-dir', path.join(lab.dir, `state-${node}`)]);
  try {
    return { node: (JSON.parse(out.stdout) as DoctorReport).nodes[0], code: out.code, ms: out.ms };
  } catch {
    throw new Error(`doctor gave no JSON (exit ${out.code}): ${out.stdout}\n${out.stderr}`);
  }
}

/** `rsync:failed:15.2MiB` per try; a failed try that moved nothing also says why, as `[code: error]`. */
export const describeTries = (r: SyncResult) => r.attempts.map(describeTry).join(' ');

function describeTry(a: SyncAttempt): string {
  const moved = a.bytesMoved !== undefined ? `:${(a.bytesMoved / (1 << 20)).toFixed(1)}MiB` : '';
  const why = a.result === 'failed' && !a.bytesMoved ? `[${a.code ?? '?'}: ${a.error ?? ''}]` : '';
  return `${a.transport}:${a.result}${moved}${why}`;
}

/** A file of random bytes in the lab's dir, with its sha256. */
export function randomFile(lab: Lab, name: string, bytes: number): { file: string; sha: string } {
  const file = path.join(lab.dir, name);
  const data = randomBytes(bytes);
  fs.writeFileSync(file, data);
  return { file, sha: createHash('sha256').update(data).digest('hex') };
}

/** The sha256 of `remote` under the node's ringrift_path, or 'absent'. */
export function landedSha(lab: Lab, node: string, remote: string): string {
  const p = path.join(lab.node(node).root, remote);
  return fs.existsSync(p) ? createHash('sha256').update(fs.readFileSync(p)).digest('hex') : 'absent';
}

/**
 * Watches `remote` under the node's ringrift_path while a sync runs: it must be absent or the whole
 * file (`size` bytes), never less. The returned stop gives every other size seen there.
 */
export function watchFinalPath(lab: Lab, node: string, remote: string, size: number): () => string[] {
  const final = path.join(lab.node(node).root, remote);
  const seen: string[] = [];
  const timer = setInterval(() => {
    const now = fs.statSync(final, { throwIfNoEntry: false })?.size;
    if (now !== undefined && now !== size) seen.push(`${now} bytes at the final path`);
  }, 5);
  return () => (clearInterval(timer), seen);
}
