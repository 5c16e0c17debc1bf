import * as fs from 'node:fs';
import * as path from 'node:path';
import { CAUSE_TITLES, diagnoseNodes, groupCauses, hasProblems, reportExitCode, throughputObservation, type DoctorReport, type NodeReport } from '../../core/doctor';
import { EXIT_FAILED, UsageError, boolOpt, stringOpt, TOKEN_FILE_HELP, TOKEN_FILE_OPTION, type CliCommand, type CliIO, type ParsedArgs } from '../command';
import { openCluster, pickNodes } from '../cluster';
import { formatBytes, formatMs, styleFor, type Style } from '../format';

/** `ringrift-sync doctor`: the runbook's diagnosis, with the cause of each failing transport and its fix. */

const RUN_ON = { here: 'run here', node: "run on the node's console", settings: 'VS Code setting' } as const;

function renderNode(n: NodeReport, style: Style): string {
  if (n.skipped) return `${style.bold(n.node)}: ${style.dim(`skipped: ${n.skipped}`)}\n`;
  const groups = groupCauses(n.causes);
  const problems = groups.filter((g) => !g.cause.expected).length;
  let head: string;
  if (problems === 0) {
    const ok = n.evidence?.probes.filter((p) => p.success).map((p) => p.transport) ?? [];
    const disk = n.evidence?.disk?.freeBytes !== undefined ? `; ${formatBytes(n.evidence.disk.freeBytes)} free` : '';
    const m = n.evidence?.throughput;
    const rate = m ? `; ${throughputObservation(m).detail}` : '';
    head = `${style.bold(n.node)}: ${style.ok('ok')} (${ok.join(', ') || 'no transport'} answered${disk}${rate})`;
  } else {
    head = `${style.bold(n.node)}: ${style.bad(`${problems} problem${problems > 1 ? 's' : ''}`)}`;
  }
  const out = [head];
  for (const g of groups) {
    const c = g.cause;
    const tried = c.evidence.tried.map((o) => `${o.check} ${o.result}${o.latencyMs !== undefined ? ` ${formatMs(o.latencyMs)}` : ''}`).join('; ');
    const id = c.expected ? style.dim(`${c.cause} (expected, not a problem)`) : style.bad(c.cause);
    out.push(`  ${g.transports.join(', ')}: ${id}: ${CAUSE_TITLES[c.cause]}`);
    out.push(`    ${c.evidence.summary}`);
    out.push(style.dim(`    checked: ${tried}`));
    if (c.evidence.couldAlsoBe.length) out.push(style.dim(`    could also be: ${c.evidence.couldAlsoBe.join('; ')}`));
    const changes = c.fix.changes === 'nothing' ? 'only looks' : `changes ${c.fix.changes === 'node' ? 'the node' : 'this machine'}`;
    out.push(`    fix (${RUN_ON[c.fix.runOn]}, ${changes}): ${c.fix.title}`);
    out.push(`      ${style.bold(c.fix.command)}`);
  }
  return out.join('\n') + '\n';
}

export function renderDoctorText(report: DoctorReport, io: CliIO): string {
  const style = styleFor(io.isTTY, io.env);
  const bad = report.nodes.filter(hasProblems).length;
  const skipped = report.nodes.filter((n) => n.skipped).length;
  const ok = report.nodes.length - bad - skipped;
  const tail = `${report.nodes.length} node(s): ${ok} ok, ${bad} with problems${skipped ? `, ${skipped} skipped` : ''}\n`;
  const note = bad ? style.dim("Fix commands are shown, never run: copy the ones you want.\n") : '';
  return report.nodes.map((n) => renderNode(n, style)).join('\n') + '\n' + tail + note;
}

/** Size of --path (the disk check's need), or a usage error. */
function pushSize(args: ParsedArgs, io: CliIO): { path: string; bytes: number } | undefined {
  const local = stringOpt(args, 'path');
  if (local === undefined) return undefined;
  const abs = path.resolve(io.cwd, local);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    throw new UsageError(`--path ${local}: no such file`);
  }
  if (!st.isFile()) throw new UsageError(`--path ${local}: not a regular file`);
  return { path: abs, bytes: st.size };
}

/** Flags the user gave that fix commands must repeat to act on the same cluster. */
function repeatFlags(args: ParsedArgs, io: CliIO): string[] {
  return ['hosts', 'state-dir', 'known-hosts'].flatMap((f) => {
    const v = stringOpt(args, f);
    return v === undefined ? [] : [`--${f}`, path.resolve(io.cwd, v)];
  });
}

export const doctorCommand: CliCommand = {
  usage: 'doctor [NODE...] [--all] [--json] [--timeout S] [--path LOCAL] [--measure] [--token-file FILE]',
  help: `Runs the runbook's diagnosis: each transport's test, TCP to the agent and SSH ports (with
latency and the SSH banner), the agent's free disk, tailscale status, the node's history; then
names the cause of each failing transport (node_offline, port_blocked, agent_not_running,
service_unresponsive, nat_blocked, ssh_auth_failed, host_key_changed, host_key_unknown,
remote_tool_missing, disk_full, transfer_timeout, lossy_link, mtu_blackhole, ...) with the
command that fixes it. When the agent port refuses or times out but SSH works, it asks the node
whether the agent listens (ss, netstat, bash or curl there): a firewall and a stopped agent have
different fixes. When the agent answers, it sends the same GET /health padded to a few full-size
packets: no answer to that is a path-MTU black hole.
Nothing is changed: fix commands are shown, for you to run.

Options:
  --all               every node (the default when none is named); nodes not 'ready' are skipped
  --path LOCAL        the file you mean to push: the disk check uses its size (default: 1 GiB free)
  --measure           also time a 4 MiB push over the first working transport (into a temp
                      directory on the node, removed after; needs SSH login) and report the
                      rate and RTT: lossy_link below 20 Mbit/s over more than 20 ms
  --timeout S         bound on each probe, in seconds (default 8; connect timeout 5)
  --concurrency N     nodes diagnosed at once (default: auto_sync.max_concurrent_syncs, else 12)
${TOKEN_FILE_HELP}
Exit code: 0 when no node has a problem, 1 otherwise, 2 usage.`,
  options: {
    ...TOKEN_FILE_OPTION,
    all: { type: 'boolean' },
    path: { type: 'string' },
    timeout: { type: 'string' },
    concurrency: { type: 'string' },
    measure: { type: 'boolean' },
  },
  allowPositionals: true,
  async run(args, io) {
    const push = pushSize(args, io);
    const cluster = await openCluster('doctor', args, io);
    const named = args.positionals.length > 0;
    const nodes = pickNodes(cluster.nodes, args.positionals, boolOpt(args, 'all') || !named);
    const json = boolOpt(args, 'json');
    const showProgress = io.isTTY && !json && nodes.length > 2;
    let done = 0;
    const report = await diagnoseNodes(
      nodes,
      { transports: cluster.connectivity.transports, transportOptions: cluster.transportOptions, readState: () => cluster.store.read() },
      {
        concurrency: cluster.settings.concurrency,
        signal: io.signal,
        neededBytes: push?.bytes,
        pushPath: push?.path,
        cliArgs: repeatFlags(args, io),
        measure: boolOpt(args, 'measure'),
        skipNotReady: !named,
        onNode: () => showProgress && io.stderr(`\rdiagnosed ${++done}/${nodes.length} nodes`),
      },
    );
    if (showProgress) io.stderr('\r\x1b[K');
    io.stdout(json ? JSON.stringify(report, null, 2) + '\n' : renderDoctorText(report, io));
    if (io.signal.aborted) return EXIT_FAILED;
    return reportExitCode(report);
  },
};
