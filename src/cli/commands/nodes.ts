import { DEFAULT_DATA_SERVER_PORT, relayFlag, type NodeSpec } from '../../core/hosts';
import { whyNotTarget } from '../../core/router';
import { boolOpt, EXIT_FAILED, EXIT_OK, type CliCommand } from '../command';
import { styleFor, table, type Style } from '../format';
import { countBySeverity, loadHostsForCommand } from '../loadHosts';

/** DESIGN.md's `nodes` shape plus the resolved details; absent values are null so every key is always there. */
function nodeJson(n: NodeSpec) {
  return {
    name: n.name,
    address: n.address ?? null,
    status: n.status,
    ready: n.ready,
    transports: n.transports,
    chainSource: n.chainSource,
    user: n.user,
    sshHost: n.sshHost ?? null,
    sshPort: n.sshPort,
    sshKey: n.sshKey ?? null,
    tailscaleIp: n.tailscaleIp ?? null,
    p2pEnabled: n.p2pEnabled,
    p2pPort: n.p2pPort,
    httpPort: n.httpPort ?? null,
    natBlocked: n.natBlocked,
    remoteBase: n.remoteBase ?? null,
    bandwidthLimitMbps: n.bandwidthLimitMbps ?? null,
    line: n.range.start.line,
    column: n.range.start.column,
    fields: n.fields,
    // Added for RingRift's own fields (issue 13); the keys above never change.
    forceRelayMode: n.forceRelayMode ?? false,
    skipSyncReceive: n.skipSyncReceive ?? false,
    isEphemeral: n.isEphemeral ?? false,
    dataServerPort: n.dataServerPort ?? DEFAULT_DATA_SERVER_PORT,
  };
}

function statusCell(n: NodeSpec, style: Style): string {
  if (n.ready) return style.ok(n.status);
  if (n.status === 'ready') return style.bad('ready, but has errors: not synced');
  return n.statusKnown === false ? style.warn(`${n.status} (unknown: not synced)`) : style.dim(n.status);
}

function notes(n: NodeSpec): string {
  const out: string[] = [];
  if (n.chainSource === 'host') out.push('own chain');
  const relay = relayFlag(n);
  if (relay) out.push(`${relay}: p2p, rsync skipped`);
  if (n.skipSyncReceive) out.push('skip_sync_receive: never synced');
  if (n.isEphemeral) out.push('ephemeral');
  return out.join(', ');
}

export const nodesCommand: CliCommand = {
  usage: 'nodes [--hosts FILE] [--json]',
  help: `Problems in the hosts file go to stderr (see 'ringrift-sync validate').

Exit status: 0 listed, 1 the file has errors (the nodes are still listed), 2 hosts file missing or unreadable.`,
  options: {},
  allowPositionals: false,
  async run(args, io) {
    const loaded = await loadHostsForCommand('nodes', args, io, 'all');
    if (!loaded.ok) return loaded.exitCode;
    const { hosts, label } = loaded;
    const exitCode = countBySeverity(hosts.diagnostics).errors > 0 ? EXIT_FAILED : EXIT_OK;
    if (boolOpt(args, 'json')) {
      io.stdout(JSON.stringify({ file: label, nodes: hosts.nodes.map(nodeJson) }, null, 2) + '\n');
      return exitCode;
    }
    const style = styleFor(io.isTTY, io.env);
    const rows = hosts.nodes.map((n) => [
      n.name,
      statusCell(n, style),
      n.address ?? '-',
      `${n.user}@${n.sshHost ?? '-'}:${n.sshPort}`,
      n.transports.join(' > ') || '-',
      n.bandwidthLimitMbps === undefined ? '-' : String(n.bandwidthLimitMbps),
      notes(n),
    ]);
    const ready = hosts.nodes.filter((n) => !whyNotTarget(n, false)).length;
    io.stdout(table(['NAME', 'STATUS', 'ADDRESS', 'SSH', 'TRANSPORTS', 'MBIT/S', 'NOTES'], rows, style));
    io.stdout(`${hosts.nodes.length} nodes, ${ready} ready to sync (${label})\n`);
    return exitCode;
  },
};
