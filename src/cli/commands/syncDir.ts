import * as path from 'node:path';
import type { NodeSpec, TransportKind } from '../../core/hosts/nodeSpec';
import type { ClusterSession } from '../../core/session';
import { syncTree, type TreeSyncOutcome } from '../../core/tree/syncTree';
import { EXIT_FAILED, EXIT_OK, boolOpt, stringOpt, type CliIO, type ParsedArgs } from '../command';
import { previewDeletes } from './syncDryRun';
import { progressPainter, renderFiles, renderSyncResults } from './syncOutput';
import { LOCAL_SOURCE } from '../../core/fanout/results';

/** `sync --path DIR`: the tree through each node's escalation (core/tree/syncTree.ts). */

export async function syncDirectory(args: ParsedArgs, io: CliIO, cluster: ClusterSession, nodes: NodeSpec[], localDir: string, force: TransportKind | undefined): Promise<number> {
  const json = boolOpt(args, 'json');
  const remoteDir = stringOpt(args, 'remote') ?? path.basename(localDir);
  if (boolOpt(args, 'dry-run')) return previewDeletes(io, cluster, nodes, localDir, remoteDir, json);
  const painter = progressPainter(io, json);
  const outcome = await syncTree(cluster, nodes, localDir, remoteDir, {
    signal: io.signal,
    forceTransport: force,
    delete: boolOpt(args, 'delete'),
    onProgress: (node, transport, p) => painter.paint(node, `${node} ${transport} ${p.filesDone}/${p.filesTotal} files ${p.bytesTotal ? Math.floor((p.bytesDone / p.bytesTotal) * 100) : 100}%`),
  });
  painter.clear();
  if (outcome.kind === 'refused') return refused(outcome, io, json);
  // Every sync result says where its copy came from: a tree always goes from here.
  if (json) io.stdout(JSON.stringify({ results: outcome.results.map((r) => ({ ...r, source: LOCAL_SOURCE, wave: 1 })) }, null, 2) + '\n');
  else io.stdout(renderSyncResults(outcome.results, io) + renderFiles(outcome.results, io));
  return outcome.results.every((r) => r.success) ? EXIT_OK : EXIT_FAILED;
}

function refused(outcome: Extract<TreeSyncOutcome, { kind: 'refused' }>, io: CliIO, json: boolean): number {
  if (json) io.stdout(JSON.stringify({ results: [], refused: outcome.refusals, message: outcome.message }, null, 2) + '\n');
  io.stderr(`not synced: ${outcome.message}\n`);
  return EXIT_FAILED;
}
