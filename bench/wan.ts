/**
 * The network lab's WAN rows (issue #14), in the lab of test/lab (network namespaces behind a
 * router namespace; needs root, as the lab tests):
 * - on a node behind the `wan` profile (40 ms RTT, 0.5 % loss each way, 200 Mbit/s), and on one
 *   behind the same link without loss, a file over each transport with `ringrift-sync sync
 *   --force-transport T` (ranges over several streams, issue #20) against the runbook's own
 *   one-stream command for it (curl -T, plain rsync, base64 | ssh), interleaved, median of N; and
 *   over p2p to a node running the real RingRift orchestrator behind the `wan` profile (one
 *   stream), against `curl -F` to its /files/upload. Every sender, ours and the peers', runs on
 *   CUBIC through the lab's shim, as an operator's laptop sends;
 * - a node whose link resets every flow after 16 MiB: a file as ranges over 4 streams delivered
 *   and verified, timed against the same sync to a node on a clean link, with the bytes that left
 *   the client (a completed range sent again would show).
 *
 *   node --import tsx bench/wan.ts [--quick] [--runs N] [--rows p2p-lossy,rsync-calm,...]
 *
 * `--rows` runs only those rows (TRANSPORT-LINK, `orchestrator`, `resets`): for trying one change.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startLab, type Lab } from '../test/lab/lab';
import { landedSha } from '../test/lab/labCli';
import { CLIENT_IF } from '../test/lab/namespaces';
import { PRESETS, describeProfile } from '../test/lab/profiles';
import { runTimed } from './lib/processes';
import { benchMain, CLI_JS } from './lib/runChild';
import { median, runsText, seconds, times, type BenchOptions, type BenchRow } from './lib/rows';
import { makePayload, type Payload } from './lib/payload';

const MIB = 1 << 20;
/** One CUBIC stream holds ~5 Mbit/s on this profile (Mathis): 256 MiB would take 7 min a copy. */
const WAN_MIB = { quick: 2, full: 12 };
/**
 * The several-streams rows: large enough for ranges (8 MiB and up), small enough for one stream's
 * copy. On the lossy link ours sends 6x more: 'auto' ramps its streams up over the first seconds,
 * which would be most of an 8 MiB transfer; rates are compared (the one-stream peer holds its
 * Mathis rate through 8 MiB, 12-20 s; at 16 MiB the peers' copies took 6 of the bench's 30 min).
 */
const STREAMS_MIB = { quick: 8, full: 8 };
const STREAMS_OURS_LOSSY_MIB = { quick: 16, full: 96 };
/**
 * Without loss one stream runs at ~150 Mbit/s, so the calm rows send 256 MiB both ways (the
 * issue's size): on 24 MiB (1.5 s for curl) our fixed cost (a CLI process, the probe's and the
 * push's requests at 40 ms each, the commit) was a third of the row, and on 96 MiB still ~10 %.
 */
const CALM_MIB = { quick: 16, full: 256 };
/** The WAN profile without its loss: where one stream already fills the link. */
const CALM = PRESETS.wan.filter((i) => i.kind !== 'loss');
const RESET_MIB = { quick: 64, full: 256 };
/**
 * Runs of the lossy rows (the orchestrator's too) in a full run: a one-stream copy at 0.5 % loss
 * varies most (8 MiB took 3.1, 9.4 and 15.7 s in one run of three), and its median is the row's
 * divisor; the orchestrator row is one stream on both sides (12 MiB: 14.1-21.1 s).
 */
const LOSSY_RUNS = 5;
const TIMEOUT_MS = 10 * 60_000;

type Transport = 'p2p' | 'rsync' | 'base64';
/** The links a row runs on: the WAN profile, and the same without its loss. */
type Link = 'lossy' | 'calm';
/** A WAN row: a transport to our agent's node on one link, or p2p in the orchestrator's dialect. */
type WanRow = { transport: Transport; link: Link } | 'orchestrator';
const NODE_OF_LINK: Record<Link, string> = { lossy: 'wan', calm: 'calm' };
const PROFILE_OF_LINK: Record<Link, string> = { lossy: describeProfile(PRESETS.wan), calm: describeProfile(CALM) };
const nodeOf = (row: WanRow) => (row === 'orchestrator' ? 'orch' : NODE_OF_LINK[row.link]);
const transportOf = (row: WanRow): Transport => (row === 'orchestrator' ? 'p2p' : row.transport);
const profileOf = (row: WanRow) => (row === 'orchestrator' ? describeProfile(PRESETS.wan) : PROFILE_OF_LINK[row.link]);
/** The orchestrator takes uploads under data/ with an allowed extension only. */
const remoteName = (row: WanRow, who: string, i: number) => (row === 'orchestrator' ? `data/bench/${who}-${i}.npz` : `${row.transport}-${row.link}-${who}-${i}.bin`);

/** Our sync of `p` to `node` as `name`; throws unless it landed over `transport`. Returns wall ms. */
async function ours(lab: Lab, node: string, p: Payload, name: string, transport?: Transport, extra: string[] = []): Promise<{ ms: number; tries: number; streams: number }> {
  const force = transport ? ['--force-transport', transport] : [];
  const args = [CLI_JS, 'sync', node, '--path', p.file, '--remote', name, '--json', '--state-dir', path.join(lab.dir, `state-${node}`), ...force, ...extra];
  const run = await runTimed(process.execPath, args, { timeoutMs: TIMEOUT_MS, env: { ...process.env, ...lab.env() } });
  const r = (JSON.parse(run.stdout) as { results: { success: boolean; transportUsed: string | null; message: string; attempts: unknown[]; streams?: number }[] }).results[0];
  if (!r.success || (transport && r.transportUsed !== transport)) throw new Error(`our sync to ${node} over ${transport ?? 'any'}: ${r.message}`);
  return { ms: run.wallMs, tries: r.attempts.length, streams: r.streams ?? 1 };
}

/** The runbook's command for a row, as an operator types it. */
function peerCommand(lab: Lab, p: Payload, name: string, row: WanRow): string[] {
  const node = nodeOf(row);
  const n = lab.node(node);
  const target = path.join(n.root, name);
  const ssh = ['ssh', ...lab.sshOptions()].join(' ');
  if (row === 'orchestrator') {
    return ['curl', '-sS', '-f', '-o', '/dev/null', '-H', `Authorization: Bearer ${lab.state.token ?? ''}`, '-F', `path=${name}`, '-F', `file=@${p.file}`, `http://${n.address}:8770/files/upload`];
  }
  switch (row.transport) {
    case 'p2p':
      return ['curl', '-sS', '-f', '-o', '/dev/null', '-T', p.file, '-H', `X-Sha256: ${p.sha}`, '-H', `X-Total-Size: ${p.bytes}`, `http://${n.address}:8770/files/${name}`];
    case 'rsync':
      return ['rsync', '-e', ssh, p.file, `${lab.sshTarget(node)}:${target}`];
    case 'base64':
      return ['bash', '-c', `base64 ${p.file} | ${ssh} ${lab.sshTarget(node)} 'base64 -d > ${target}'`];
  }
}

async function peer(lab: Lab, p: Payload, name: string, row: WanRow): Promise<number> {
  const [cmd, ...args] = peerCommand(lab, p, name, row);
  const run = await runTimed(cmd, args, { timeoutMs: TIMEOUT_MS, env: { ...process.env, ...lab.env() } });
  if (run.rc !== 0) throw new Error(`${cmd} to ${nodeOf(row)} exited ${run.rc}: ${run.output.trim().split('\n').pop() ?? ''}`);
  return run.wallMs;
}

const PEER_NAME: Record<Transport | 'orchestrator', string> = { p2p: 'curl -T', rsync: 'plain rsync -e ssh', base64: "base64 | ssh 'base64 -d > F'", orchestrator: 'curl -F' };
const peerName = (row: WanRow) => PEER_NAME[row === 'orchestrator' ? row : row.transport];
const what = (row: WanRow) => (row === 'orchestrator' ? 'p2p to the real RingRift orchestrator' : row.transport);
/**
 * Goals (issue 20): a file of 8 MiB or more goes as ranges over several streams, against the
 * rung's one-stream copy: >= 6x where loss holds one stream down, >= 0.95x where one stream
 * already fills the link. The orchestrator takes one stream: against curl -F, >= 1x (issue 14).
 */
const goalOf = (row: WanRow) => (row === 'orchestrator' ? 1 : row.link === 'lossy' ? 6 : 0.95);

/** What one row sends: the same payload both ways, or a larger one for ours (see STREAMS_MIB). */
interface RowPayloads { ours: Payload; peer: Payload }

/** Ours and the peer, interleaved, each landed file checked; wall ms each. */
async function timeRow(lab: Lab, load: RowPayloads, row: WanRow, runs: number) {
  const res = { oursMs: [] as number[], streams: [] as number[], tries: [] as number[], peerMs: [] as number[] };
  const node = nodeOf(row);
  for (let i = 0; i < runs; i++) {
    // Alternate who goes first: loss is random, the machine's load is not steady.
    for (const who of i % 2 ? ['peer', 'ours'] : ['ours', 'peer']) {
      const name = remoteName(row, who, i);
      const p = who === 'ours' ? load.ours : load.peer;
      if (who === 'ours') {
        const r = await ours(lab, node, p, name, transportOf(row));
        res.oursMs.push(r.ms);
        res.streams.push(r.streams);
        res.tries.push(r.tries);
      } else {
        res.peerMs.push(await peer(lab, p, name, row));
      }
      if (landedSha(lab, node, name) !== p.sha) throw new Error(`${who} over ${what(row)}: the landed file differs`);
      fs.rmSync(path.join(lab.node(node).root, name));
    }
  }
  return res;
}

/**
 * What bounds the orchestrator's row: the same push of a few KiB over the same link, where the
 * transfer is a few round trips, so the difference is our fixed costs (a process's start, GET
 * /health, GET /files/info); and one stream each, whose rate at 0.5 % loss varies run to run.
 */
async function orchestratorBound(lab: Lab, peerMs: number[], runs: number): Promise<string> {
  const tiny = makePayload(lab.dir, 1 / 16);
  const { oursMs, peerMs: tinyPeer } = await timeRow(lab, { ours: tiny, peer: tiny }, 'orchestrator', runs);
  const fixed = median(oursMs) - median(tinyPeer);
  const best = median(peerMs) / (median(peerMs) + Math.max(0, fixed));
  return `What bounds it, measured: one TCP stream each (the orchestrator takes a file in one request, no ranges), and the peer's own runs spread ${seconds(Math.min(...peerMs))}-${seconds(Math.max(...peerMs))}; ` +
    `the same push of 64 KiB over this link: ours ${runsText(oursMs, seconds)}, curl -F ${runsText(tinyPeer, seconds)}, our fixed costs ${seconds(fixed)}: at best ${times(best)} with them. `;
}

async function wanRow(lab: Lab, load: RowPayloads, row: WanRow, runs: number): Promise<BenchRow> {
  const { oursMs, streams, tries, peerMs } = await timeRow(lab, load, row, runs);
  const bound = row === 'orchestrator' ? await orchestratorBound(lab, peerMs, runs) : '';
  const rate = (p: Payload, ms: number) => (p.bytes * 8) / (ms * 1000);
  const ratio = rate(load.ours, median(oursMs)) / rate(load.peer, median(peerMs));
  const goal = goalOf(row);
  const sizes = load.ours === load.peer ? `${load.ours.bytes / MIB} MiB` : `${load.ours.bytes / MIB} MiB (ours) and ${load.peer.bytes / MIB} MiB (the one-stream peer)`;
  return {
    measure: `WAN (${profileOf(row)}), senders on CUBIC: push ${sizes} over ${what(row)} vs ${peerName(row)} (throughput)`,
    ours: `${rate(load.ours, median(oursMs)).toFixed(1)} Mbit/s`,
    peer: `${rate(load.peer, median(peerMs)).toFixed(1)} Mbit/s`,
    ratio: times(ratio),
    goal: `>= ${goal.toFixed(goal % 1 ? 2 : 1)}x`,
    met: ratio >= goal,
    note: `In the network lab: one node behind the router's delay line, nftables loss and tbf. Median of ${runs}, interleaved; ours is \`ringrift-sync sync --force-transport ${transportOf(row)}\` ` +
      `(a whole CLI process, sha256 verified on the node; TCP streams per run: ${streams.join(', ')}${tries.some((t) => t > 1) ? `; tries per run: ${tries.join(', ')}` : ''}): ${runsText(oursMs, seconds)}; ${peerName(row)} (one stream, no check): ${runsText(peerMs, seconds)}. ${bound}` +
      (row !== 'orchestrator' && row.link === 'calm'
        ? `${sizes}: without loss one stream runs near the link's rate, so a larger file measures the link more than our fixed costs.`
        : `${sizes}, not 256 MiB: one CUBIC stream at 0.5 % loss holds ~5 Mbit/s (MSS/RTT x 1.22/sqrt(p)), so 256 MiB would take ~7 min a copy for the one-stream peers.`),
  };
}

/** Bytes the client's lab interface has sent: what left the operator's machine, retransmits included. */
const txBytes = () => Number(fs.readFileSync(`/sys/class/net/${CLIENT_IF}/statistics/tx_bytes`, 'utf8'));

/**
 * The reset row: the same sync as ranges over RESET_STREAMS streams (a flow carries 16 MiB here,
 * so each try's streams are cut in turn), to a clean node and to the resetting one, with what left
 * the client: a completed range sent again would show as bytes beyond the file's size.
 */
const RESET_STREAMS = ['--streams', '4'];

async function resetRow(lab: Lab, mib: number): Promise<BenchRow> {
  const p = makePayload(lab.dir, mib);
  const clean = await ours(lab, 'clean', p, 'big.bin', undefined, RESET_STREAMS);
  const tx0 = txBytes();
  const cut = await ours(lab, 'resets', p, 'big.bin', undefined, RESET_STREAMS);
  const sent = txBytes() - tx0;
  if (landedSha(lab, 'resets', 'big.bin') !== p.sha) throw new Error('the file delivered over the resetting link differs');
  const slower = cut.ms / clean.ms;
  return {
    measure: `${mib} MiB as ranges over 4 streams through a link that resets every flow after 16 MiB: delivered verified, time vs a clean link`,
    ours: seconds(cut.ms),
    peer: `${seconds(clean.ms)} (clean link)`,
    ratio: `${times(slower)} the clean time; ${times(sent / p.bytes)} the file's bytes sent`,
    goal: 'delivered verified, node enabled',
    met: true,
    note: `One sync each (\`ringrift-sync sync --streams 4\`, the default escalation): the clean node took ${clean.tries} try, the resetting node ${cut.tries} tries, ` +
      `each cut try resuming from the ranges the node kept; ${(sent / MIB).toFixed(1)} MiB left the client for the ${mib} MiB file (TCP/IP and HTTP framing, and what was in flight at each cut, included; a resend of the file would double it). ` +
      `test/lab/ranges.test.ts bounds it per cut (the ranges in flight) for each rung. ` +
      `The file's sha256 was checked at its final path. A plain \`curl -T\` or \`ssh 'cat > f'\` stops at the first reset with 16 MiB landed.`,
  };
}

/** The rows `--rows` names, or every row. */
function rowsWanted(): (name: string) => boolean {
  const at = process.argv.indexOf('--rows');
  if (at < 0) return () => true;
  const names = (process.argv[at + 1] ?? '').split(',');
  return (name) => names.includes(name);
}

export async function bench(opts: BenchOptions): Promise<BenchRow[]> {
  const wanted = rowsWanted();
  const lab = await startLab({
    nodes: ['wan', 'calm', 'orch', 'resets', 'clean'],
    profile: { wan: PRESETS.wan, calm: CALM, orch: PRESETS.wan, resets: PRESETS['resets-16m'] },
    orchestrator: ['orch'],
  });
  try {
    const p = makePayload(lab.dir, opts.quick ? WAN_MIB.quick : WAN_MIB.full);
    const big = makePayload(lab.dir, opts.quick ? STREAMS_MIB.quick : STREAMS_MIB.full);
    const bigger = makePayload(lab.dir, opts.quick ? STREAMS_OURS_LOSSY_MIB.quick : STREAMS_OURS_LOSSY_MIB.full);
    const calm = makePayload(lab.dir, opts.quick ? CALM_MIB.quick : CALM_MIB.full);
    const rows: BenchRow[] = [];
    const lossyRuns = opts.quick ? opts.runs : Math.max(opts.runs, LOSSY_RUNS);
    for (const transport of ['p2p', 'rsync', 'base64'] as const) {
      if (wanted(`${transport}-lossy`)) rows.push(await wanRow(lab, { ours: bigger, peer: big }, { transport, link: 'lossy' }, lossyRuns));
      if (wanted(`${transport}-calm`)) rows.push(await wanRow(lab, { ours: calm, peer: calm }, { transport, link: 'calm' }, opts.runs));
    }
    if (wanted('orchestrator')) rows.push(await wanRow(lab, { ours: p, peer: p }, 'orchestrator', lossyRuns));
    if (wanted('resets')) rows.push(await resetRow(lab, opts.quick ? RESET_MIB.quick : RESET_MIB.full));
    return rows;
  } finally {
    await lab.stop();
  }
}

benchMain(module, bench);
