import { withDeadline } from '../deadline';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NodeSpec, TransportKind } from '../hosts/nodeSpec';
import { describeError } from '../result';
import { runOnNode } from '../ssh/nodeCommands';
import { tcpCheck } from '../transports/netChecks';
import { shellQuote, shellQuoteRemotePath } from '../transports/remotePath';
import type { Transport, TransportOptions } from '../transports/transport';
import type { NodeEvidence, PortRole, ThroughputEvidence } from './evidence';
import { firstWorking, portOf, sshLoginWorks } from './facts';

/**
 * `doctor --measure`: a timed push of a small random file over the transport syncs would use (the
 * first that works), into a fresh hidden directory under ringrift_path that is removed over SSH
 * afterwards. Only on request: on a slow link it takes seconds (4 MiB at 5 Mbit/s: ~7 s) and it
 * writes to the node. The history's bytes per try (cut tries, small files) say little about a rate.
 */

const MEASURE_BYTES = 4 * 1024 * 1024;
/** A push slower than this is cut short and its rate taken from the bytes counted so far. */
const MEASURE_BOUND_MS = 30_000;

const ROLE: Record<TransportKind, PortRole> = { p2p: 'p2p', http: 'http', rsync: 'ssh', base64: 'ssh' };

export async function measureThroughput(node: NodeSpec, transports: Record<TransportKind, Transport>, o: TransportOptions, ev: NodeEvidence, signal: AbortSignal): Promise<ThroughputEvidence | undefined> {
  const transport = firstWorking(ev);
  if (!transport) return undefined;
  // Neither agent nor orchestrator deletes files: without SSH the test file would stay behind.
  if (!sshLoginWorks(ev)) return { transport, bytes: 0, durationMs: 0, error: 'not measured: SSH login does not work, so the test file could not be removed' };
  const port = portOf(ev, ROLE[transport]);
  const rtt = port ? await tcpCheck(port.host, port.port, o.connectTimeoutMs, signal) : undefined;
  const rttMs = rtt?.open ? rtt.latencyMs : undefined;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ringrift-measure-'));
  const remoteDir = `.ringrift-doctor-${randomBytes(6).toString('hex')}`;
  try {
    const local = path.join(dir, 'measure.bin');
    await fs.writeFile(local, randomBytes(MEASURE_BYTES));
    const timed = await timedPush(transports[transport], node, local, `${remoteDir}/measure.bin`, signal);
    const leftOver = await removeRemote(node, o, remoteDir, signal);
    return { transport, ...timed, ...(rttMs !== undefined ? { rttMs } : {}), ...(leftOver ? { leftOver } : {}) };
  } catch (err) {
    return { transport, bytes: 0, durationMs: 0, error: `could not measure: ${describeError(err)}` };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * Bytes and time from the first progress report to the end: the connection setup (an SSH login
 * costs ~1 s on some nodes) is left out, so the rate is the link's, not the handshake's.
 */
async function timedPush(t: Transport, node: NodeSpec, local: string, remote: string, signal: AbortSignal): Promise<Pick<ThroughputEvidence, 'bytes' | 'durationMs' | 'error'>> {
  const started = Date.now();
  let first: { at: number; bytes: number } | undefined;
  let last = { at: started, bytes: 0 };
  const r = await withDeadline(signal, MEASURE_BOUND_MS, (bounded) => t.push(node, { localPath: local, remotePath: remote }, (done) => {
    last = { at: Date.now(), bytes: done };
    if (done > 0) first ??= last;
  }, bounded));
  const end = r.ok ? Date.now() : last.at;
  const bytes = (r.ok ? r.bytesSent : last.bytes) - (first?.bytes ?? 0);
  if (!first || bytes <= 0 || end <= first.at) {
    return r.ok ? { bytes: r.bytesSent, durationMs: r.durationMs } : { bytes: 0, durationMs: 0, error: `the test push failed: ${r.message}` };
  }
  return { bytes, durationMs: end - first.at, ...(r.ok ? {} : { error: `cut short after ${MEASURE_BOUND_MS / 1000} s: ${r.message}` }) };
}

/** `rm -rf` of the test directory over SSH; undefined when it is gone. */
async function removeRemote(node: NodeSpec, o: TransportOptions, remoteDir: string, signal: AbortSignal): Promise<string | undefined> {
  const where = node.remoteBase ? `${shellQuoteRemotePath(node.remoteBase)}/${remoteDir}` : `"$HOME"/${remoteDir}`;
  const ran = await runOnNode(node, o, `sh -c ${shellQuote(`rm -rf -- ${where}`)}`, signal, 15_000);
  if (ran.ok && ran.value.code === 0) return undefined;
  return `${node.remoteBase ?? '~'}/${remoteDir}: ${ran.ok ? ran.value.stderr.trim() || `rm exited ${ran.value.code}` : ran.message}`;
}
