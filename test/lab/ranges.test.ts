import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSidecar } from '../../src/agent/rangeSidecar';
import { coveredBytes, rangeBytesFor } from '../../src/core/byteRanges';
import { CLI_JS } from '../integration/harness/cluster';
import { rangedFiles, sidecarBytes } from '../integration/transports/sshRanges/nodeFiles';
import { startLab, type Lab } from './lab';
import { describeTries, labSync, landedSha, randomFile, watchFinalPath, type SyncResult } from './labCli';
import { CLIENT_IF } from './namespaces';
import { parseProfile } from './profiles';

const MiB = 1 << 20;
const RESET_SIZE = 64 * MiB;
const CANCEL_SIZE = 32 * MiB;
const STREAMS = 4;
type Rung = 'p2p' | 'rsync' | 'base64';
/** Bytes on the wire per byte of the file: base64 sends 4 characters per 3 bytes. */
const ENCODING: Record<Rung, number> = { p2p: 1, rsync: 1, base64: 4 / 3 };

interface RangedResult extends SyncResult { streams?: number; bytesSent?: number }

/**
 * One transfer over several streams, for real (issue 20): ranges over --streams 4 on each rung,
 * through a link that resets every flow after 16 MiB (each stream's connection is cut in turn),
 * and on the lossy WAN link cancelled mid-transfer. Ranges a try completed are never sent again:
 * the client's interface counts every byte it sent, and a resend of the file would double it.
 */
describe('network lab: ranges over several streams, cut and resumed', function () {
  this.timeout(180000);
  let lab: Lab;
  const log: string[] = [];

  before(async () => {
    lab = await startLab({ nodes: ['resetting', 'wan'], profile: { resetting: parseProfile('resets-16m'), wan: parseProfile('wan') } });
  });
  after(async () => {
    console.log(`      measured:\n        ${log.join('\n        ')}`);
    await lab?.stop();
  });

  const txBytes = () => Number(fs.readFileSync(`/sys/class/net/${CLIENT_IF}/statistics/tx_bytes`, 'utf8'));
  const args = (rung: Rung, name: string) => ['--remote', name, '--force-transport', rung, '--streams', String(STREAMS)];

  for (const rung of ['p2p', 'rsync', 'base64'] as const) {
    it(`${rung}: every stream's connection reset after 16 MiB; each try resumes, no completed range is sent again; verified`, async () => {
      const { file, sha } = randomFile(lab, `reset-${rung}.bin`, RESET_SIZE);
      const name = `reset-${rung}.bin`;
      const stop = watchFinalPath(lab, 'resetting', name, RESET_SIZE);
      const tx0 = txBytes();
      const { r, ms } = await labSync(lab, 'resetting', file, args(rung, name)) as { r: RangedResult; ms: number };
      const sent = txBytes() - tx0;
      assert.deepEqual(stop(), [], 'nothing but the whole file ever at the final path');
      log.push(`${rung}, 64 MiB over ${STREAMS} streams, reset after 16 MiB: ${describeTries(r)} in ${(ms / 1000).toFixed(1)} s; ${(sent / MiB).toFixed(1)} MiB left the client`);
      assert.equal(r.success, true, describeTries(r));
      assert.equal(r.disabled, false);
      assert.equal(landedSha(lab, 'resetting', name), sha);
      const cut = r.attempts.filter((a) => a.result === 'failed');
      // One flow carries at most 16 MiB here before its reset: a try that moved more ran several.
      assert.ok((r.attempts[0].bytesMoved ?? 0) > 16 * MiB, `the first try ran several streams: ${describeTries(r)}`);
      assert.ok(cut.length >= 1, `the link cut at least one try: ${describeTries(r)}`);
      for (const a of cut) assert.ok((a.bytesMoved ?? 0) > 0, `each cut try kept ranges on the node: ${describeTries(r)}`);
      // At most the ranges in flight at each cut go again, and TCP/IP, HTTP or SSH framing on top.
      const bound = ENCODING[rung] * (RESET_SIZE + cut.length * STREAMS * rangeBytesFor(RESET_SIZE)) * 1.08;
      assert.ok(sent < bound, `${(sent / MiB).toFixed(1)} MiB sent for a 64 MiB file (bound ${(bound / MiB).toFixed(1)}): completed ranges went again`);
    });
  }

  for (const rung of ['p2p', 'rsync'] as const) {
    it(`${rung}: a sync cancelled (SIGINT) on the lossy WAN keeps its completed ranges; the next sends only the rest; verified`, async () => {
      const { file, sha } = randomFile(lab, `cancel-${rung}.bin`, CANCEL_SIZE);
      const name = `cancel-${rung}.bin`;
      const kept = await cancelOnceRangesLanded(file, name, rung);
      assert.ok(kept >= 2 * rangeBytesFor(CANCEL_SIZE), `${kept} bytes of completed ranges kept`);
      const tx0 = txBytes();
      const { r } = await labSync(lab, 'wan', file, args(rung, name)) as { r: RangedResult };
      const sent = txBytes() - tx0;
      const failed = r.attempts.filter((a) => a.result === 'failed').map((a) => `${a.code}: ${a.error}`);
      log.push(`${rung} cancelled with ${(kept / MiB).toFixed(0)} MiB of ranges on the node; the next sync: ${describeTries(r)}, ${(sent / MiB).toFixed(1)} MiB left the client${failed.length ? `; failed: ${failed.join('; ')}` : ''}`);
      assert.equal(r.success, true, describeTries(r));
      assert.equal(landedSha(lab, 'wan', name), sha);
      // The rest, with its framing and the loss's retransmits; a resend of the kept ranges would add them.
      assert.ok(sent < (CANCEL_SIZE - kept) * 1.08 + MiB, `${(sent / MiB).toFixed(1)} MiB sent for the ${((CANCEL_SIZE - kept) / MiB).toFixed(0)} MiB not kept: the kept ranges went again`);
    });
  }

  /** Starts a sync, SIGINTs it once two ranges are recorded on the node; the bytes its sidecar then holds. */
  async function cancelOnceRangesLanded(file: string, name: string, rung: 'p2p' | 'rsync'): Promise<number> {
    const child = spawn(process.execPath, [CLI_JS, 'sync', 'wan', '--path', file, ...args(rung, name), '--state-dir', path.join(lab.dir, 'state-wan'), '--json'], {
      env: { ...process.env, ...lab.env() }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + 60000;
    while (keptBytes(name, rung) < 2 * rangeBytesFor(CANCEL_SIZE) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    await exited;
    const r = (JSON.parse(stdout) as { results: SyncResult[] }).results[0];
    assert.equal(r.success, false, describeTries(r));
    assert.match(r.message, /^cancelled/);
    assert.ok(!fs.existsSync(path.join(lab.node('wan').root, name)), 'nothing at the final path');
    return keptBytes(name, rung);
  }

  /** The completed ranges the node recorded: our agent's sidecar (p2p), or the SSH rungs' (rsync). */
  function keptBytes(name: string, rung: 'p2p' | 'rsync'): number {
    const dir = lab.node('wan').root;
    try {
      if (rung === 'p2p') {
        const state = parseSidecar(fs.readFileSync(path.join(dir, `.${name}.ringrift-ranges`), 'utf8'));
        return state.ok ? coveredBytes(state.value.done) : 0;
      }
      return sidecarBytes(rangedFiles(path.join(dir, name)).sidecar);
    } catch {
      return 0;
    }
  }
});
